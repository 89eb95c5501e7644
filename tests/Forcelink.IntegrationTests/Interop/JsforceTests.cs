using System.Text.Json.Nodes;
using Forcelink.IntegrationTests.Emulator;

namespace Forcelink.IntegrationTests.Interop;

/// <summary>jsforce 3, unchanged, against the emulator: its own OAuth, REST, collections and query code paths.</summary>
public sealed class JsforceTests
{
    [InteropFact]
    public async Task CrudScript_LeadAndCase_CreateUpdateRetrieveQueryDelete()
    {
        await using var emulator = await InteropTools.StartEmulatorAsync();
        using var workspace = new InteropWorkspace();

        var result = await RunScriptAsync("jsforce-crud.mjs", emulator, workspace);

        Assert.True(result.ExitCode == 0, result.Output);
        var json = InteropTools.ParseJson(result);
        Assert.Equal(emulator.Host.Org.OrgId, (string?)json["organizationId"]);
        Assert.Equal(emulator.Host.Org.FindUser(EmulatorFixture.Username)!.Id, (string?)json["userId"]);
        Assert.Equal(emulator.Host.BaseUrl.GetLeftPart(UriPartial.Authority), (string?)json["instanceUrl"]);
        Assert.Equal(EmulatorFixture.Username, (string?)json["identity"]!["username"]);
        Assert.Equal((string?)json["userId"], (string?)json["identity"]!["user_id"]);
        Assert.Equal("Integration User", (string?)json["identity"]!["display_name"]);

        var lead = json["lead"]!;
        Assert.Equal("Globex", (string?)lead["retrieved"]!["Company"]);
        Assert.Equal("Working - Contacted", (string?)lead["retrieved"]!["Status"]);
        Assert.Equal("Doe", (string?)lead["retrieved"]!["Name"]);
        AssertDeletedEverywhere(emulator, lead, "00Q");

        var @case = json["case"]!;
        Assert.Equal("Closed", (string?)@case["retrieved"]!["Status"]);
        Assert.True((bool?)@case["retrieved"]!["IsClosed"]);
        Assert.Equal("00001000", (string?)@case["retrieved"]!["CaseNumber"]);
        AssertDeletedEverywhere(emulator, @case, "500");

        Assert.Equal(1, emulator.Host.LoginCount(EmulatorFixture.Username));
        Assert.True((bool?)json["loggedOut"]);
        Assert.Contains(emulator.Host.Org.RequestLog, e => e is { Method: "POST", Path: "/services/oauth2/revoke", Status: 200 });
    }

    [InteropFact]
    public async Task BulkScript_CollectionsAutoFetchLimitsAndErrors_BehaveAsSalesforce()
    {
        await using var emulator = await InteropTools.StartEmulatorAsync();
        using var workspace = new InteropWorkspace();

        var result = await RunScriptAsync("jsforce-bulk.mjs", emulator, workspace, ("SEED_COUNT", "2100"));

        Assert.True(result.ExitCode == 0, result.Output);
        var json = InteropTools.ParseJson(result);
        var collection = json["collection"]!.AsArray();
        Assert.Equal(3, collection.Count);
        Assert.All(collection, r => Assert.True((bool?)r!["success"]));
        Assert.All(collection, r => Assert.StartsWith("00Q", (string?)r!["id"], StringComparison.Ordinal));

        Assert.Equal(2100, (int?)json["seeded"]!["count"]);
        Assert.Equal(0, (int?)json["seeded"]!["failures"]);
        // 2,100 rows in batches of 2,000: jsforce must follow nextRecordsUrl once.
        Assert.Equal(2100, (int?)json["paged"]!["totalSize"]);
        Assert.Equal(2100, (int?)json["paged"]!["fetched"]);
        Assert.Equal(2, (int?)json["paged"]!["pages"]);
        Assert.True((bool?)json["paged"]!["done"]);

        Assert.Equal(100_000, (int?)json["limits"]!["DailyApiRequests"]!["Max"]);
        var used = (int?)json["limitInfo"]!["apiUsage"]!["used"];
        Assert.Equal(100_000, (int?)json["limitInfo"]!["apiUsage"]!["limit"]);
        Assert.Equal(100_000 - used, (int?)json["limits"]!["DailyApiRequests"]!["Remaining"]);
        Assert.Equal("MALFORMED_QUERY", (string?)json["malformedQuery"]);

        Assert.Equal(2103, emulator.Host.Org.Store.Count("Lead", false));
        var paths = emulator.Host.Org.RequestLog.Select(e => $"{e.Method} {e.Path}").ToList();
        // 2,100 records in collections of 200 are 11 calls, plus the 3-record one.
        Assert.Equal(12, paths.Count(p => p == "POST /services/data/v62.0/composite/sobjects"));
        Assert.Single(paths, p => p.StartsWith("GET /services/data/v62.0/query/01g", StringComparison.Ordinal));
    }

    [InteropFact]
    public async Task Bulk2Script_LoadUpdateQueryDelete_RecordsLandAndResultsParse()
    {
        await using var emulator = await InteropTools.StartEmulatorAsync();
        using var workspace = new InteropWorkspace();

        var result = await RunScriptAsync("jsforce-bulk2.mjs", emulator, workspace);

        Assert.True(result.ExitCode == 0, result.Output);
        var json = InteropTools.ParseJson(result);
        var store = emulator.Host.Org.Store;
        var successful = json["inserted"]!["successfulResults"]!.AsArray();
        Assert.Equal(["Bulk 1", "Bulk 2"], successful.Select(r => (string)r!["LastName"]!));
        Assert.All(successful, r => Assert.Equal("true", (string?)r!["sf__Created"]));
        var failed = json["inserted"]!["failedResults"]!.AsArray().Single()!;
        Assert.Equal("REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName --", (string?)failed["sf__Error"]);
        Assert.Equal("No name", (string?)failed["Company"]);
        Assert.Empty(json["inserted"]!["unprocessedRecords"]!.AsArray());

        // jsforce writes null as #N/A, which the emulator stores as null.
        var first = store.Get((string)successful[0]!["sf__Id"]!)!.Value.Fields;
        Assert.Null(first["Description"]);
        Assert.Equal("Acme (updated)", first["Company"]);
        Assert.Equal(2, (int?)json["updated"]!["successful"]);
        Assert.Equal(0, (int?)json["updated"]!["failed"]);

        var queried = json["queried"]!.AsArray();
        Assert.Equal(["Bulk 1", "Bulk 2"], queried.Select(r => (string)r!["LastName"]!));
        Assert.Equal("said \"hi\"", (string?)queried[1]!["Description"]);
        Assert.Equal("Globex, Inc. (updated)", (string?)queried[1]!["Company"]);

        var deletedId = (string)json["deleted"]![0]!;
        Assert.Equal((string?)queried[0]!["Id"], deletedId);
        Assert.Equal(true, store.Get(deletedId)!.Value.Fields["IsDeleted"]);
        Assert.Equal(1, store.Count("Lead", includeDeleted: false));

        Assert.Equal("INVALIDJOB", (string?)json["unknownObject"]);
        Assert.Equal("Ingest job failed to complete due to: InvalidBatch : Field name not found : LastNmae", (string?)json["failedJob"]);
        var paths = emulator.Host.Org.RequestLog.Select(e => $"{e.Method} {e.Path} {e.Status}").ToList();
        Assert.Contains(paths, p => p.StartsWith("PUT /services/data/v62.0/jobs/ingest/750", StringComparison.Ordinal) && p.EndsWith("/batches 201", StringComparison.Ordinal));
        Assert.Contains(paths, p => p.StartsWith("GET /services/data/v62.0/jobs/query/750", StringComparison.Ordinal) && p.EndsWith("/results 200", StringComparison.Ordinal));
    }

    [InteropFact]
    public async Task CrudScript_KeyOfAnotherCertificate_FailsWithInvalidGrant()
    {
        await using var emulator = await InteropTools.StartEmulatorAsync();
        using var workspace = new InteropWorkspace();
        using var otherKey = System.Security.Cryptography.RSA.Create(2048);
        await File.WriteAllTextAsync(workspace.KeyFile, otherKey.ExportPkcs8PrivateKeyPem());

        var result = await RunScriptAsync("jsforce-crud.mjs", emulator, workspace);

        Assert.Equal(1, result.ExitCode);
        var error = InteropTools.ParseJson(result)["error"]!;
        Assert.Equal("invalid_grant", (string?)error["name"]);
        Assert.Equal("invalid assertion", (string?)error["message"]);
        Assert.Equal(0, emulator.Host.LoginCount(EmulatorFixture.Username));
    }

    [InteropFact]
    public async Task RestScript_DescribeGlobalChangesAndApexRest_BehaveAsSalesforce()
    {
        await using var emulator = await InteropTools.StartEmulatorAsync(Library.RawCallTests.AddApexServices);
        using var workspace = new InteropWorkspace();

        var result = await RunScriptAsync("jsforce-rest.mjs", emulator, workspace);

        Assert.True(result.ExitCode == 0, result.Output);
        var json = InteropTools.ParseJson(result);
        Assert.Equal(200, (int?)json["global"]!["maxBatchSize"]);
        Assert.Equal("00Q", (string?)json["global"]!["lead"]!["keyPrefix"]);
        Assert.Contains("ContentVersion", json["global"]!["names"]!.AsArray().Select(n => (string?)n));
        Assert.Contains((string?)json["kept"], json["updated"]!["ids"]!.AsArray().Select(i => (string?)i));
        Assert.DoesNotContain((string?)json["doomed"], json["updated"]!["ids"]!.AsArray().Select(i => (string?)i));
        Assert.NotNull((string?)json["updated"]!["latestDateCovered"]);
        Assert.Equal((string?)json["doomed"], (string?)json["deleted"]!["deletedRecords"]![0]!["id"]);
        Assert.NotNull((string?)json["deleted"]!["earliestDateAvailable"]);
        Assert.Equal(("GET", "/LeadIntake/web", "jsforce"), ((string?)json["echoGet"]!["httpMethod"], (string?)json["echoGet"]!["requestURI"], (string?)json["echoGet"]!["params"]!["source"]));
        Assert.Equal("doe@example.com", (string?)json["echoPost"]!["requestBody"]!["email"]);
        Assert.Equal("NOT_FOUND", (string?)json["unmapped"]);
    }

    private static void AssertDeletedEverywhere(EmulatorFixture emulator, JsonNode lifecycle, string keyPrefix)
    {
        var id = (string)lifecycle["id"]!;
        Assert.StartsWith(keyPrefix, id, StringComparison.Ordinal);
        Assert.Equal(1, (int?)lifecycle["queriedTotalSize"]);
        Assert.Equal("ENTITY_IS_DELETED", (string?)lifecycle["retrieveAfterDelete"]);
        Assert.Equal(0, (int?)lifecycle["queriedAfterDelete"]);
        Assert.Equal(true, emulator.Host.Org.Store.Get(id)!.Value.Fields["IsDeleted"]);
    }

    private static Task<ProcessResult> RunScriptAsync(string script, EmulatorFixture emulator, InteropWorkspace workspace, params (string Name, string Value)[] extra)
    {
        var environment = workspace.Environment();
        environment["SF_LOGIN_URL"] = emulator.Host.BaseUrl.GetLeftPart(UriPartial.Authority);
        environment["SF_CLIENT_ID"] = EmulatorFixture.ConsumerKey;
        environment["SF_USERNAME"] = EmulatorFixture.Username;
        environment["SF_KEY_FILE"] = workspace.KeyFile;
        environment["SF_API_VERSION"] = EmulatorFixture.ApiVersion;
        foreach (var (name, value) in extra)
        {
            environment[name] = value;
        }

        return ProcessRunner.RunSeparatelyAsync(InteropTools.Node, [Path.Combine(InteropTools.PackageDirectory, script)], InteropTools.ProcessTimeout, environment, InteropTools.PackageDirectory);
    }
}
