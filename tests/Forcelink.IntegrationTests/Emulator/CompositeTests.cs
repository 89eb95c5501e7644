using System.Text.Json.Nodes;

namespace Forcelink.IntegrationTests.Emulator;

public sealed class CompositeTests
{
    [Fact]
    public async Task CollectionsCreate_Mixed_ResultsInOrder()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Post, "composite/sobjects", token, """
            {"allOrNone":false,"records":[
              {"attributes":{"type":"Account"},"Name":"example.com","BillingCity":"San Francisco"},
              {"attributes":{"type":"Lead"},"Company":"Acme"},
              {"attributes":{"type":"Contact"},"LastName":"Johnson","FirstName":"Erica"}]}
            """);
        Assert.Equal(200, status);
        var results = body!.AsArray();
        Assert.Equal(3, results.Count);
        Assert.StartsWith("001", results[0]!["id"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(EmulatorFixture.Compact("""
            {"success":false,"errors":[{"statusCode":"REQUIRED_FIELD_MISSING","message":"Required fields are missing: [LastName]","fields":["LastName"]}]}
            """), results[1]!.ToJsonString());
        Assert.True(results[2]!["success"]!.GetValue<bool>());
        Assert.Equal(2, emulator.Host.Org.Store.Count("Account", false) + emulator.Host.Org.Store.Count("Contact", false));
        Assert.Equal(1, emulator.Host.Org.ApiUsed);
    }

    [Fact]
    public async Task CollectionsCreate_AllOrNoneFailure_RolledBackSiblings()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Post, "composite/sobjects", token, """
            {"allOrNone":true,"records":[
              {"attributes":{"type":"Account"},"Name":"kept?"},
              {"attributes":{"type":"Lead"},"Company":"Acme"}]}
            """);
        Assert.Equal(200, status);
        Assert.Equal(EmulatorFixture.Compact("""
            [{"success":false,"errors":[{"statusCode":"ALL_OR_NONE_OPERATION_ROLLED_BACK","message":"Record rolled back because not all records were valid and the request was using AllOrNone header","fields":[]}]},
             {"success":false,"errors":[{"statusCode":"REQUIRED_FIELD_MISSING","message":"Required fields are missing: [LastName]","fields":["LastName"]}]}]
            """), body!.ToJsonString());
        Assert.Equal(0, emulator.Host.Org.Store.Count("Account", true));
    }

    [Fact]
    public async Task CollectionsCreate_201Records_ExceededIdLimit()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var records = new JsonArray();
        for (var i = 0; i < 201; i++)
        {
            records.Add(new JsonObject { ["attributes"] = new JsonObject { ["type"] = "Account" }, ["Name"] = "a" });
        }

        var (status, body, _) = await emulator.CallAsync(HttpMethod.Post, "composite/sobjects", token, new JsonObject { ["records"] = records }.ToJsonString());
        Assert.Equal(400, status);
        Assert.Equal("""[{"message":"record limit reached. cannot submit more than 200 records into this call","errorCode":"EXCEEDED_ID_LIMIT"}]""", body!.ToJsonString());
    }

    [Fact]
    public async Task CollectionsUpdate_MalformedId_PartialFailure()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var id = await emulator.CreateAsync(token, "Account", new { Name = "Acme" });
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Patch, "composite/sobjects", token, $$"""
            {"records":[
              {"attributes":{"type":"Account"},"id":"{{id}}","Name":"Acme 2"},
              {"attributes":{"type":"Contact"},"id":"001xx000003DGb2999","LastName":"x"}]}
            """);
        Assert.Equal(200, status);
        Assert.Equal(EmulatorFixture.Compact($$"""
            [{"id":"{{id}}","success":true,"errors":[]},
             {"success":false,"errors":[{"statusCode":"MALFORMED_ID","message":"Contact ID: id value of incorrect type: 001xx000003DGb2999","fields":["Id"]}]}]
            """), body!.ToJsonString());
    }

    [Fact]
    public async Task CollectionsDelete_MalformedAndValid_PerRecordResults()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var id = await emulator.CreateAsync(token, "Account", new { Name = "Acme" });
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Delete, $"composite/sobjects?ids={id},001RM000003oLrB000&allOrNone=false", token);
        Assert.Equal(200, status);
        Assert.Equal(EmulatorFixture.Compact($$"""
            [{"id":"{{id}}","success":true,"errors":[]},
             {"success":false,"errors":[{"statusCode":"MALFORMED_ID","message":"malformed id 001RM000003oLrB000","fields":[]}]}]
            """), body!.ToJsonString());
    }

    [Fact]
    public async Task CollectionsDelete_AllOrNone_NothingDeleted()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var id = await emulator.CreateAsync(token, "Account", new { Name = "Acme" });
        var (_, body, _) = await emulator.CallAsync(HttpMethod.Delete, $"composite/sobjects?ids={id},bad&allOrNone=true", token);
        Assert.Equal("ALL_OR_NONE_OPERATION_ROLLED_BACK", body![0]!["errors"]![0]!["statusCode"]!.GetValue<string>());
        Assert.Equal(id, body[0]!["id"]!.GetValue<string>());
        Assert.Equal(1, emulator.Host.Org.Store.Count("Account", false));
    }

    [Fact]
    public async Task CollectionsRetrieve_MissingId_Null()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var id = await emulator.CreateAsync(token, "Account", new { Name = "Acme" });
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Get, $"composite/sobjects/Account?ids={id},001000000000000AAA&fields=Name", token);
        Assert.Equal(200, status);
        Assert.Equal(EmulatorFixture.Compact($$"""
            [{"attributes":{"type":"Account","url":"/services/data/v62.0/sobjects/Account/{{id}}"},"Name":"Acme","Id":"{{id}}"},null]
            """), body!.ToJsonString());
        var (postStatus, viaPost, _) = await emulator.CallAsync(HttpMethod.Post, "composite/sobjects/Account", token, new { ids = new[] { id }, fields = new[] { "Name" } });
        Assert.Equal(200, postStatus);
        Assert.Equal("Acme", viaPost![0]!["Name"]!.GetValue<string>());
    }

    [Fact]
    public async Task CollectionsUpsert_CreatedAndUpdated()
    {
        await using var emulator = await EmulatorFixture.StartAsync(SObjectTests.AddInvoice);
        var token = await emulator.GetTokenAsync();
        var existing = await emulator.CreateAsync(token, "Invoice__c", new { External_Id__c = "INV-1" });
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Patch, "composite/sobjects/Invoice__c/External_Id__c", token, """
            {"allOrNone":false,"records":[
              {"attributes":{"type":"Invoice__c"},"External_Id__c":"INV-2","Amount__c":1},
              {"attributes":{"type":"Invoice__c"},"External_Id__c":"INV-1","Amount__c":2}]}
            """);
        Assert.Equal(200, status);
        var created = body![0]!["id"]!.GetValue<string>();
        Assert.Equal(EmulatorFixture.Compact($$"""
            [{"id":"{{created}}","success":true,"errors":[],"created":true},{"id":"{{existing}}","success":true,"errors":[],"created":false}]
            """), body.ToJsonString());
    }

    [Fact]
    public async Task CollectionsUpsert_TenThousandInBatches_AllStored()
    {
        await using var emulator = await EmulatorFixture.StartAsync(SObjectTests.AddInvoice);
        var token = await emulator.GetTokenAsync();
        for (var batch = 0; batch < 50; batch++)
        {
            var records = new JsonArray();
            for (var i = 0; i < 200; i++)
            {
                records.Add(new JsonObject
                {
                    ["attributes"] = new JsonObject { ["type"] = "Invoice__c" },
                    ["External_Id__c"] = EmulatorFixture.Invariant($"INV-{(batch * 200) + i}"),
                    ["Amount__c"] = i,
                });
            }

            var (status, _, _) = await emulator.CallAsync(HttpMethod.Patch, "composite/sobjects/Invoice__c/External_Id__c", token, new JsonObject { ["records"] = records }.ToJsonString());
            Assert.Equal(200, status);
        }

        Assert.Equal(10_000, emulator.Host.Org.Store.Count("Invoice__c", false));
        Assert.Equal(50, emulator.Host.Org.ApiUsed);
    }

    [Fact]
    public async Task Composite_References_SubstitutedAndShaped()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Post, "composite", token, """
            {"allOrNone":true,"compositeRequest":[
              {"method":"POST","url":"/services/data/v62.0/sobjects/Account","referenceId":"NewAccount","body":{"Name":"Acme"}},
              {"method":"POST","url":"/services/data/v62.0/sobjects/Contact","referenceId":"newContact","body":{"LastName":"Harrison","AccountId":"@{NewAccount.id}"}},
              {"method":"GET","url":"/services/data/v62.0/sobjects/Contact/@{newContact.id}?fields=AccountId","referenceId":"readBack"},
              {"method":"PATCH","url":"/services/data/v62.0/sobjects/Account/@{NewAccount.id}","referenceId":"rename","body":{"Name":"@{readBack.AccountId}"}}]}
            """);
        Assert.Equal(200, status);
        var responses = body!["compositeResponse"]!.AsArray();
        var accountId = responses[0]!["body"]!["id"]!.GetValue<string>();
        var contactId = responses[1]!["body"]!["id"]!.GetValue<string>();
        Assert.Equal(EmulatorFixture.Compact($$"""
            {"body":{"id":"{{accountId}}","success":true,"errors":[]},"httpHeaders":{"Location":"/services/data/v62.0/sobjects/Account/{{accountId}}"},"httpStatusCode":201,"referenceId":"NewAccount"}
            """), responses[0]!.ToJsonString());
        Assert.Equal(accountId, responses[2]!["body"]!["AccountId"]!.GetValue<string>());
        Assert.Equal("""{"body":null,"httpHeaders":{},"httpStatusCode":204,"referenceId":"rename"}""", responses[3]!.ToJsonString());
        Assert.StartsWith("003", contactId, StringComparison.Ordinal);
        Assert.Equal(1, emulator.Host.Org.ApiUsed);
    }

    [Fact]
    public async Task Composite_AllOrNoneFailure_ProcessingHaltedAndRolledBack()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Post, "composite", token, """
            {"allOrNone":true,"compositeRequest":[
              {"method":"POST","url":"/services/data/v62.0/sobjects/Account","referenceId":"a1","body":{"Name":"Acme"}},
              {"method":"POST","url":"/services/data/v62.0/sobjects/Account","referenceId":"a2","body":{"XName":"x"}},
              {"method":"POST","url":"/services/data/v62.0/sobjects/Account","referenceId":"a3","body":{"Name":"Never"}}]}
            """);
        Assert.Equal(200, status);
        Assert.Equal(EmulatorFixture.Compact("""
            {"compositeResponse":[
             {"body":[{"message":"The transaction was rolled back since another operation in the same transaction failed.","errorCode":"PROCESSING_HALTED"}],"httpHeaders":{},"httpStatusCode":400,"referenceId":"a1"},
             {"body":[{"message":"No such column 'XName' on sobject of type Account","errorCode":"INVALID_FIELD"}],"httpHeaders":{},"httpStatusCode":400,"referenceId":"a2"},
             {"body":[{"message":"The transaction was rolled back since another operation in the same transaction failed.","errorCode":"PROCESSING_HALTED"}],"httpHeaders":{},"httpStatusCode":400,"referenceId":"a3"}]}
            """), body!.ToJsonString());
        Assert.Equal(0, emulator.Host.Org.Store.Count("Account", true));
    }

    [Fact]
    public async Task Composite_NotAllOrNone_DependentFailsIndependentRuns()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var (_, body, _) = await emulator.CallAsync(HttpMethod.Post, "composite", token, """
            {"compositeRequest":[
              {"method":"POST","url":"/services/data/v62.0/sobjects/Lead","referenceId":"bad","body":{"Company":"x"}},
              {"method":"GET","url":"/services/data/v62.0/sobjects/Lead/@{bad.id}","referenceId":"dependent"},
              {"method":"POST","url":"/services/data/v62.0/sobjects/Account","referenceId":"independent","body":{"Name":"ok"}}]}
            """);
        var responses = body!["compositeResponse"]!.AsArray();
        Assert.Equal(400, responses[0]!["httpStatusCode"]!.GetValue<int>());
        Assert.Equal(400, responses[1]!["httpStatusCode"]!.GetValue<int>());
        Assert.Equal("PROCESSING_HALTED", responses[1]!["body"]![0]!["errorCode"]!.GetValue<string>());
        Assert.Equal(201, responses[2]!["httpStatusCode"]!.GetValue<int>());
        Assert.Equal(1, emulator.Host.Org.Store.Count("Account", false));
    }

    [Fact]
    public async Task Composite_26Subrequests_400()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var requests = new JsonArray();
        for (var i = 0; i < 26; i++)
        {
            requests.Add(new JsonObject { ["method"] = "GET", ["url"] = "/services/data/v62.0/limits", ["referenceId"] = EmulatorFixture.Invariant($"r{i}") });
        }

        var (status, body, _) = await emulator.CallAsync(HttpMethod.Post, "composite", token, new JsonObject { ["compositeRequest"] = requests }.ToJsonString());
        Assert.Equal(400, status);
        Assert.Equal("LIMIT_EXCEEDED", body![0]!["errorCode"]!.GetValue<string>());
    }

    [Fact]
    public async Task Batch_HaltOnError_412ForRest()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var id = await emulator.CreateAsync(token, "Account", new { Name = "Acme" });
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Post, "composite/batch", token, $$$"""
            {"haltOnError":true,"batchRequests":[
              {"method":"PATCH","url":"v62.0/sobjects/account/{{{id}}}","richInput":{"Name":"NewName"}},
              {"method":"GET","url":"v62.0/sobjects/account/{{{id}}}?fields=Name"},
              {"method":"PATCH","url":"v62.0/sobjects/account/{{{id}}}","richInput":{"Bogus":"x"}},
              {"method":"GET","url":"v62.0/sobjects/account/{{{id}}}?fields=Name"}]}
            """);
        Assert.Equal(200, status);
        Assert.True(body!["hasErrors"]!.GetValue<bool>());
        var results = body["results"]!.AsArray();
        Assert.Equal("""{"statusCode":204,"result":null}""", results[0]!.ToJsonString());
        Assert.Equal("NewName", results[1]!["result"]!["Name"]!.GetValue<string>());
        Assert.Equal(400, results[2]!["statusCode"]!.GetValue<int>());
        Assert.Equal("""{"statusCode":412,"result":[{"message":"Batch processing halted per request","errorCode":"BATCH_PROCESSING_HALTED"}]}""", results[3]!.ToJsonString());
        Assert.Equal(1 + 3, emulator.Host.Org.ApiUsed);
    }
}
