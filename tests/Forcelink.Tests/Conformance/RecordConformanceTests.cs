using System.Net;
using System.Text.Json.Nodes;
using Forcelink.Records;

namespace Forcelink.Tests.Conformance;

/// <summary>Recorded single-record answers (restforce, NetCoreForce) read by the client: writes, reads, describe and their errors.</summary>
public sealed class RecordConformanceTests : IDisposable
{
    private const string Fixtures = "restforce/spec/fixtures/sobject/";
    private const string AccountId = "001D000000INjVeIAH";
    private readonly RecordedOrg _org = new();

    [ConformanceFact]
    public async Task CreateSuccess_ReturnsAndSetsTheId()
    {
        var fixture = ConformanceCorpus.Restforce("sobject/create_success_response");
        _org.Http.On(HttpMethod.Post, RecordedOrg.Data + "sobjects/Account", _ => RecordedOrg.Reply(HttpStatusCode.Created, Fixtures + "create_success_response.json"));
        var account = new SObject("Account");
        account.Set("Name", "Foobar");

        var id = await _org.Client().CreateAsync(account);

        Assert.Equal(fixture["id"]!.GetValue<string>(), id);
        Assert.Equal(id, account.Id);
    }

    [ConformanceFact]
    public async Task UpsertCreated_IsCreatedWithTheId()
    {
        var fixture = ConformanceCorpus.Restforce("sobject/upsert_created_success_response");
        _org.Http.On(HttpMethod.Patch, RecordedOrg.Data + "sobjects/Account/External__c/foobar", _ => RecordedOrg.Reply(HttpStatusCode.Created, Fixtures + "upsert_created_success_response.json"));

        var result = await _org.Client().UpsertAsync(ExternalAccount(), "External__c");

        Assert.Equal(new Forcelink.Models.UpsertResult(fixture["id"]!.GetValue<string>(), Created: true), result);
    }

    [ConformanceTheory]
    [InlineData(HttpStatusCode.NoContent)]
    [InlineData(HttpStatusCode.OK)]
    public async Task UpsertUpdatedWithoutBody_ReadsTheIdBack(HttpStatusCode status)
    {
        var existing = ConformanceCorpus.Restforce("sobject/sobject_select_success_response");
        _org.Http.On(HttpMethod.Patch, RecordedOrg.Data + "sobjects/Account/External__c/foobar", _ => RecordedOrg.Reply(status, Fixtures + "upsert_updated_success_response.json"));
        _org.Http.On(HttpMethod.Get, RecordedOrg.Data + "sobjects/Account/External__c/foobar", _ => RecordedOrg.Reply(HttpStatusCode.OK, Fixtures + "sobject_select_success_response.json"));
        var account = ExternalAccount();

        var result = await _org.Client().UpsertAsync(account, "External__c");

        Assert.Equal(new Forcelink.Models.UpsertResult(existing["Id"]!.GetValue<string>(), Created: false), result);
        Assert.Equal(result.Id, account.Id);
        Assert.Equal(RecordedOrg.Data + "sobjects/Account/External__c/foobar?fields=Id", _org.Paths[^1]);
    }

    [ConformanceFact]
    public async Task UpsertMultipleMatches_IsMultipleChoicesNamingEveryMatch()
    {
        var urls = ConformanceCorpus.Restforce("sobject/upsert_multiple_error_response").AsArray().Select(u => u!.GetValue<string>()).ToList();
        _org.Http.On(HttpMethod.Patch, RecordedOrg.Data + "sobjects/Account/External__c/foobar", _ => RecordedOrg.Reply(HttpStatusCode.MultipleChoices, Fixtures + "upsert_multiple_error_response.json"));

        var error = await Assert.ThrowsAsync<SalesforceException>(() => _org.Client().UpsertAsync(ExternalAccount(), "External__c"));

        Assert.Equal(300, error.StatusCode);
        Assert.Equal("MULTIPLE_CHOICES", error.ErrorCode);
        Assert.All(urls, url => Assert.Contains(url, error.Message, StringComparison.Ordinal));
        Assert.Contains($"{urls.Count} records have this external id", error.Message, StringComparison.Ordinal);
    }

    [ConformanceFact]
    public async Task UpsertUnknownExternalIdField_IsNotFound()
    {
        _org.Http.On(HttpMethod.Patch, RecordedOrg.Data + "sobjects/Account/External__c/foobar", _ => RecordedOrg.Reply(HttpStatusCode.NotFound, Fixtures + "upsert_error_response.json"));

        var error = await Assert.ThrowsAsync<SalesforceException>(() => _org.Client().UpsertAsync(ExternalAccount(), "External__c"));

        AssertRefusal(error, 404, "upsert_error_response");
    }

    [ConformanceFact]
    public async Task WriteWithUnknownField_IsInvalidField()
    {
        _org.Http.On(HttpMethod.Patch, RecordedOrg.Data + "sobjects/Account/", _ => RecordedOrg.Reply(HttpStatusCode.BadRequest, Fixtures + "write_error_response.json"));
        var account = new SObject("Account") { Id = AccountId };
        account.Set("foo", "bar");

        var error = await Assert.ThrowsAsync<SalesforceException>(() => _org.Client().UpdateAsync(account));

        AssertRefusal(error, 400, "write_error_response");
    }

    [ConformanceFact]
    public async Task DeleteNotFound_IsNotFound()
    {
        _org.Http.On(HttpMethod.Delete, RecordedOrg.Data + "sobjects/Account/", _ => RecordedOrg.Reply(HttpStatusCode.NotFound, Fixtures + "delete_error_response.json"));

        var error = await Assert.ThrowsAsync<SalesforceException>(() => _org.Client().DeleteAsync("Account", AccountId));

        AssertRefusal(error, 404, "delete_error_response");
    }

    [ConformanceFact]
    public async Task FindByExternalId_KeepsEveryFieldWithItsType()
    {
        var fixture = ConformanceCorpus.Restforce("sobject/sobject_find_success_response").AsObject();
        _org.Http.On(HttpMethod.Get, RecordedOrg.Data + "sobjects/Whizbang/External_Field__c/1234", _ => RecordedOrg.Reply(HttpStatusCode.OK, Fixtures + "sobject_find_success_response.json"));

        var record = await _org.Client().GetByExternalIdAsync("Whizbang", "External_Field__c", "1234");

        AssertHoldsEveryField(fixture, record);
        Assert.Equal(fixture["Checkbox_Label"]!.GetValue<bool>(), record.GetBoolean("Checkbox_Label"));
        Assert.Equal(fixture["Currency_Label"]!.GetValue<decimal>(), record.GetDecimal("Currency_Label"));
        Assert.Equal(DateOnly.Parse(fixture["Date_Label"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture), record.GetDate("Date_Label"));
        Assert.True(SalesforceDateTime.TryParse(fixture["DateTime_Label"]!.GetValue<string>(), out var dateTime));
        Assert.Equal(dateTime, record.GetDateTime("DateTime_Label"));
        Assert.True(record.Has("OtherDateTime_Label"));
        Assert.Null(record.GetDateTime("OtherDateTime_Label"));
        Assert.Equal(fixture["IsDeleted"]!.GetValue<bool>(), record.IsDeleted);
    }

    [ConformanceFact]
    public async Task FindWithUnknownExternalIdField_IsNotFound()
    {
        _org.Http.On(HttpMethod.Get, RecordedOrg.Data + "sobjects/Whizbang/", _ => RecordedOrg.Reply(HttpStatusCode.NotFound, Fixtures + "sobject_find_error_response.json"));

        var error = await Assert.ThrowsAsync<SalesforceException>(() => _org.Client().GetByExternalIdAsync("Whizbang", "External_Field__c", "23foo"));

        AssertRefusal(error, 404, "sobject_find_error_response");
    }

    [ConformanceFact]
    public async Task SelectFields_HoldsThoseFields()
    {
        var fixture = ConformanceCorpus.Restforce("sobject/sobject_select_success_response").AsObject();
        _org.Http.On(HttpMethod.Get, RecordedOrg.Data + "sobjects/Whizbang/", _ => RecordedOrg.Reply(HttpStatusCode.OK, Fixtures + "sobject_select_success_response.json"));

        var record = await _org.Client().GetAsync("Whizbang", AccountId, ["External_Field__c"]);

        AssertHoldsEveryField(fixture, record);
        Assert.Equal(RecordedOrg.Data + $"sobjects/Whizbang/{AccountId}?fields=External_Field__c", _org.Paths[^1]);
    }

    [ConformanceTheory]
    [InlineData("account")]
    [InlineData("contact")]
    [InlineData("user")]
    public async Task RetrieveFromADeveloperOrg_KeepsEveryFieldCompoundAddressesIncluded(string name)
    {
        var fixture = ConformanceCorpus.NetCoreForce(name).AsObject();
        var type = fixture["attributes"]!["type"]!.GetValue<string>();
        var id = fixture["Id"]!.GetValue<string>();
        _org.Http.On(HttpMethod.Get, RecordedOrg.Data + $"sobjects/{type}/{id}", _ => RecordedOrg.Reply(HttpStatusCode.OK, $"netcoreforce/src/NetCoreForce.Client.Tests/responses/{name}.json"));

        var record = await _org.Client().GetAsync(type, id);

        AssertHoldsEveryField(fixture, record);
        Assert.Equal(fixture["CreatedDate"]!.GetValue<string>(), SalesforceDateTime.Format(record.CreatedDate!.Value));
        Assert.Equal(fixture["LastModifiedById"]!.GetValue<string>(), record.LastModifiedById);
        foreach (var (field, value) in fixture.Where(p => p.Value is JsonObject && p.Key != "attributes"))
        {
            // A compound address is a value, not a related record: it is never written back.
            Assert.True(JsonNode.DeepEquals(value, record[field]), field);
            Assert.DoesNotContain($"\"{field}\"", record.ToWriteBody().ToJsonString(), StringComparison.Ordinal);
        }
    }

    [ConformanceFact]
    public async Task Describe_ReadsEveryField()
    {
        var fixture = ConformanceCorpus.Restforce("sobject/sobject_describe_success_response");
        _org.Http.On(HttpMethod.Get, RecordedOrg.Data + "sobjects/Whizbang/describe", _ => RecordedOrg.Reply(HttpStatusCode.OK, Fixtures + "sobject_describe_success_response.json"));

        var description = await _org.Client().DescribeAsync("Whizbang");

        Assert.Equal(fixture["name"]!.GetValue<string>(), description.Name);
        Assert.Equal(fixture["label"]!.GetValue<string>(), description.Label);
        Assert.Equal(fixture["keyPrefix"]?.GetValue<string>(), description.KeyPrefix);
        Assert.Equal(fixture["createable"]!.GetValue<bool>(), description.Createable);
        Assert.Equal(fixture["queryable"]!.GetValue<bool>(), description.Queryable);
        var fields = fixture["fields"]!.AsArray();
        Assert.Equal(fields.Count, description.Fields.Count);
        for (var i = 0; i < fields.Count; i++)
        {
            var expected = fields[i]!;
            var actual = description.Fields[i];
            Assert.Equal(expected["name"]!.GetValue<string>(), actual.Name);
            Assert.Equal(expected["type"]!.GetValue<string>(), actual.Type);
            Assert.Equal(expected["label"]!.GetValue<string>(), actual.Label);
            Assert.Equal(expected["length"]?.GetValue<int>() ?? 0, actual.Length);
            Assert.Equal(expected["nillable"]!.GetValue<bool>(), actual.Nillable);
            Assert.Equal(expected["createable"]!.GetValue<bool>(), actual.Createable);
            Assert.Equal(expected["updateable"]!.GetValue<bool>(), actual.Updateable);
            Assert.Equal(expected["defaultedOnCreate"]!.GetValue<bool>(), actual.DefaultedOnCreate);
            Assert.Equal(expected["externalId"]!.GetValue<bool>(), actual.ExternalId);
            Assert.Equal(expected["custom"]!.GetValue<bool>(), actual.Custom);
            Assert.Equal(expected["relationshipName"]?.GetValue<string>(), actual.RelationshipName);
            Assert.Equal(expected["referenceTo"]!.AsArray().Select(r => r!.GetValue<string>()), actual.ReferenceTo);
            Assert.Equal(expected["picklistValues"]!.AsArray().Select(p => p!["value"]!.GetValue<string>()), actual.PicklistValues.Select(p => p.Value));
        }
    }

    [ConformanceFact]
    public async Task DescribeUnknownObject_IsNotFound()
    {
        _org.Http.On(HttpMethod.Get, RecordedOrg.Data + "sobjects/Whizbang/describe", _ => RecordedOrg.Reply(HttpStatusCode.NotFound, Fixtures + "sobject_describe_error_response.json"));

        var error = await Assert.ThrowsAsync<SalesforceException>(() => _org.Client().DescribeAsync("Whizbang"));

        AssertRefusal(error, 404, "sobject_describe_error_response");
    }

    [ConformanceTheory]
    [InlineData("restforce/spec/fixtures/services_data_success_response.json")]
    [InlineData("netcoreforce/src/NetCoreForce.Client.Tests/responses/versions.json")]
    public async Task Versions_AreListedAndTheNewestIsUsed(string file)
    {
        var fixture = ConformanceCorpus.ReadJson(file).AsArray();
        _org.Http.On(HttpMethod.Get, "/services/data", _ => RecordedOrg.Reply(HttpStatusCode.OK, file));
        var client = _org.Client(o => o.ApiVersion = null);

        var versions = await client.GetApiVersionsAsync();
        var newest = await client.GetApiVersionAsync();

        Assert.Equal(
            fixture.Select(v => (v!["version"]!.GetValue<string>(), v["label"]!.GetValue<string>(), v["url"]!.GetValue<string>())),
            versions.Select(v => (v.Version, v.Label, v.Url)));
        Assert.Equal(fixture.Select(v => v!["version"]!.GetValue<string>()).MaxBy(v => decimal.Parse(v, System.Globalization.CultureInfo.InvariantCulture)), newest);
    }

    /// <summary>A refusal carries Salesforce's status, code and message, and says them in its own message.</summary>
    internal static void AssertRefusal(SalesforceException error, int status, string fixture, string folder = "restforce/spec/fixtures/sobject/")
    {
        var expected = ConformanceCorpus.ReadJson($"{folder}{fixture}.json") switch
        {
            JsonArray array => array[0]!,
            var single => single,
        };
        Assert.Equal(status, error.StatusCode);
        Assert.Equal(expected["errorCode"]!.GetValue<string>(), error.ErrorCode);
        Assert.Equal(expected["message"]!.GetValue<string>(), error.Description);
        Assert.Contains($"{error.ErrorCode}: {error.Description}", error.Message, StringComparison.Ordinal);
        Assert.False(error.IsLoginFailure);
    }

    /// <summary>The record holds every field of the recorded body with its JSON value, and its type from <c>attributes</c>.</summary>
    internal static void AssertHoldsEveryField(JsonObject expected, SObject record)
    {
        Assert.Equal(expected["attributes"]!["type"]!.GetValue<string>(), record.ObjectName);
        var fields = expected.Where(p => p.Key != "attributes").ToList();
        Assert.Equal(fields.Select(p => p.Key), record.FieldNames);
        foreach (var (field, value) in fields)
        {
            Assert.True(JsonNode.DeepEquals(value, record[field]), $"{field}: {value?.ToJsonString()} was read as {record[field]?.ToJsonString()}");
        }

        Assert.Equal(expected["Id"]?.GetValue<string>(), record.Id);
    }

    private static SObject ExternalAccount()
    {
        var account = new SObject("Account");
        account.Set("External__c", "foobar");
        account.Set("Name", "Foobar");
        return account;
    }

    public void Dispose() => _org.Dispose();
}
