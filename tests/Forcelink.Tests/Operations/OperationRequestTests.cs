using Forcelink.Tests.TestDoubles;
using System.Text;
using Forcelink.Operations;

namespace Forcelink.Tests.Operations;

public sealed class OperationRequestTests
{
    [Theory]
    [InlineData("""{"operation":"create","object":"Lead","fields":{"LastName":"Doe","Company":"Acme","Email":"doe@example.com"}}""", typeof(CreateOperation))]
    [InlineData("""{"operation":"find","object":"Lead","where":{"Email":"doe@example.com"},"fields":["Id","Name","Email"],"limit":10}""", typeof(FindOperation))]
    [InlineData("""{"operation":"get","object":"Case","id":"500000000000001AAA"}""", typeof(GetOperation))]
    [InlineData("""{"operation":"update","object":"Lead","id":"00Q000000000001","fields":{"Status":"Working - Contacted"}}""", typeof(UpdateOperation))]
    [InlineData("""{"operation":"delete","object":"Lead","id":"00Q000000000001AAA"}""", typeof(DeleteOperation))]
    [InlineData("""{"operation":"UPDATE","object":"lead","id":"00Q000000000001AAA","fields":{"Email":null}}""", typeof(UpdateOperation))]
    public void Validate_IssueExamples_BecomeOperations(string json, Type expected)
    {
        var (operation, error) = Parse(json).Validate(OperationPolicy.Default);
        Assert.Null(error);
        Assert.IsType(expected, operation);
    }

    [Fact]
    public void Validate_Upsert_NeedsExternalIdFieldAllowedByPolicy()
    {
        var json = """{"operation":"upsert","object":"Lead","externalIdField":"Ext_Id__c","externalId":"42","fields":{"LastName":"Doe"}}""";
        var (_, refused) = Parse(json).Validate(OperationPolicy.Default);
        Assert.Equal(403, refused!.StatusCode);
        Assert.Contains("Ext_Id__c", refused.ErrorMessage, StringComparison.Ordinal);

        var policy = OperationPolicy.Parse("""{"Lead":{"fields":["LastName","Company","Ext_Id__c"]}}""");
        var (operation, error) = Parse(json).Validate(policy);
        Assert.Null(error);
        var upsert = Assert.IsType<UpsertOperation>(operation);
        Assert.Equal("42", upsert.ExternalId);
    }

    [Theory]
    [InlineData("""{"object":"Lead"}""", "'operation' is required")]
    [InlineData("""{"operation":"merge","object":"Lead"}""", "use one of create, get, find, update, upsert, delete")]
    [InlineData("""{"operation":"get","object":"Lead"}""", "'id' is required")]
    [InlineData("""{"operation":"get","object":"Lead","id":"00Q' OR 1=1"}""", "not a Salesforce record id")]
    [InlineData("""{"operation":"get","object":"Lead","id":42}""", "'id' must be a non-empty string")]
    [InlineData("""{"operation":"create","object":"Lead"}""", "'fields' is required")]
    [InlineData("""{"operation":"create","object":"Lead","fields":[]}""", "'fields' must be an object")]
    [InlineData("""{"operation":"create","object":"Lead","fields":{"LastName":{"a":1}}}""", "must be a string, number, boolean or null")]
    [InlineData("""{"operation":"create","object":"Lead","fields":{"Last Name":"x"}}""", "not a field API name")]
    [InlineData("""{"operation":"find","object":"Lead","fields":["Id"]}""", "'where' is required")]
    [InlineData("""{"operation":"find","object":"Lead","where":{"Email":"a"},"limit":5000}""", "'limit' must be a whole number from 1 to 2000")]
    [InlineData("""{"operation":"find","object":"Lead","where":{"Email":[]}}""", "non-empty list")]
    public void Validate_BadRequest_Is400WithTheReason(string json, string expected)
    {
        // A member of the wrong type is refused by the parse, the rest by validation: the caller sees one 400 either way.
        var (request, error) = OperationRequest.Parse(Encoding.UTF8.GetBytes(json));
        if (request is not null)
        {
            (var operation, error) = request.Validate(OperationPolicy.Default);
            Assert.Null(operation);
        }

        Assert.Equal(400, error!.StatusCode);
        Assert.Equal("INVALID_REQUEST", error.ErrorCode);
        Assert.Contains(expected, error.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SeveralProblems_AreReportedTogether()
    {
        var (_, error) = Parse("""{"operation":"update","object":"Lead","id":"bad","fields":{}}""").Validate(OperationPolicy.Default);
        Assert.Contains("not a Salesforce record id", error!.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("'fields' is empty", error.ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"operation":"get","object":"Account","id":"001000000000001AAA"}""", "'Account' is not allowed")]
    [InlineData("""{"operation":"create","object":"Lead","fields":{"Secret__c":"x"}}""", "'Secret__c' of Lead is not allowed")]
    [InlineData("""{"operation":"find","object":"Lead","where":{"Secret__c":"x"}}""", "'Secret__c' of Lead is not allowed")]
    [InlineData("""{"operation":"get","object":"Lead","id":"00Q000000000001AAA","fields":["Secret__c"]}""", "'Secret__c' of Lead is not allowed")]
    public void Validate_OutsidePolicy_Is403(string json, string expected)
    {
        var (operation, error) = Parse(json).Validate(OperationPolicy.Default);
        Assert.Null(operation);
        Assert.Equal(403, error!.StatusCode);
        Assert.Equal("FORBIDDEN", error.ErrorCode);
        Assert.Contains(expected, error.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_OperationNotAllowedOnObject_Is403()
    {
        var policy = OperationPolicy.Parse("""{"Case":{"operations":["get","find"]}}""");
        var (_, error) = Parse("""{"operation":"delete","object":"Case","id":"500000000000001AAA"}""").Validate(policy);
        Assert.Equal(403, error!.StatusCode);
        Assert.Contains("'delete' is not allowed on Case", error.ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[1,2]", "must be a JSON object")]
    [InlineData("\"text\"", "must be a JSON object")]
    public void Parse_NotAnObject_Is400(string json, string expected)
    {
        var (request, error) = OperationRequest.Parse(Encoding.UTF8.GetBytes(json));
        Assert.Null(request);
        Assert.Equal(400, error!.StatusCode);
        Assert.Contains(expected, error.ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0x22, 0x7D }, "byte 6 is not UTF-8")]
    [InlineData(new byte[] { 0x7B, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x3A, 0x31, 0x7D }, "byte 2 is not UTF-8")]
    public void Parse_BytesThatAreNotUtf8_Is400NamingTheByte(byte[] json, string expected)
    {
        var (request, error) = OperationRequest.Parse(json);

        Assert.Null(request);
        Assert.Contains(expected, error!.ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"operation":"get","operation":"delete"}""", "the key 'operation' appears twice")]
    [InlineData("""{"where":{"Email":"a","\u0045mail":"b"}}""", "the key 'where.Email' appears twice")]
    [InlineData("""{"fields":["Id",{"a":1,"a":2}]}""", "the key 'fields[1].a' appears twice")]
    [InlineData("""{"where":{"LastName":"\udc00"}}""", "the string at 'where.LastName' is not Unicode text")]
    [InlineData("""{"fields":["Id","\ud800x"]}""", "the string at 'fields[1]' is not Unicode text")]
    [InlineData("""{"where":{"\ud800":1}}""", "a key in 'where' is not Unicode text")]
    public void Parse_DuplicateKeyOrLoneSurrogate_Is400NamingWhere(string json, string expected)
    {
        var (request, error) = OperationRequest.Parse(Encoding.UTF8.GetBytes(json));

        Assert.Null(request);
        Assert.Contains(expected, error!.ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"operation":"find","object":"Lead","where":{"AnnualRevenue":1e30}}""", "'where.AnnualRevenue': 1e30 is outside the range of numbers Salesforce accepts")]
    [InlineData("""{"operation":"find","object":"Lead","where":{"AnnualRevenue":79228162514264337593543950336}}""", "'where.AnnualRevenue': 79228162514264337593543950336 is outside")]
    [InlineData("""{"operation":"find","object":"Lead","where":{"AnnualRevenue":[1,1e400]}}""", "'where.AnnualRevenue[1]': 1e400 is outside")]
    [InlineData("""{"operation":"update","object":"Lead","id":"00Q000000000001AAA","fields":{"AnnualRevenue":-1e400}}""", "'fields.AnnualRevenue': -1e400 is outside")]
    [InlineData("""{"operation":"upsert","object":"Lead","externalIdField":"Email","externalId":1e400,"fields":{"LastName":"Doe"}}""", "'externalId': 1e400 is outside")]
    [InlineData("""{"operation":"find","object":"Lead","where":{"Email":"a"},"limit":1e400}""", "'limit' must be a whole number from 1 to 2000; it is 1e400")]
    public void Validate_NumberBeyondDecimal_Is400NamingWhere(string json, string expected)
    {
        var (operation, error) = Parse(json).Validate(OperationPolicy.Default);

        Assert.Null(operation);
        Assert.Equal((400, "INVALID_REQUEST"), (error!.StatusCode, error.ErrorCode));
        Assert.Contains(expected, error.ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("79228162514264337593543950335", "79228162514264337593543950335")]
    [InlineData("1e-400", "0.0000000000000000000000000000")]
    [InlineData("-1.5E+3", "-1500")]
    public void BuildFindQuery_NumberWithinDecimal_IsBound(string number, string bound)
    {
        var (operation, error) = Parse($$"""{"operation":"find","object":"Lead","where":{"AnnualRevenue":{{number}}},"fields":["Id"]}""").Validate(OperationPolicy.Default);

        Assert.Null(error);
        Assert.EndsWith($"WHERE AnnualRevenue = {bound} LIMIT 100", OperationHandler.BuildFindQuery((FindOperation)operation!).Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Oversize_Is400()
    {
        var big = Encoding.UTF8.GetBytes($"{{\"operation\":\"create\",\"object\":\"Lead\",\"fields\":{{\"Description\":\"{new string('x', OperationRequest.MaxSize)}\"}}}}");
        var (_, error) = OperationRequest.Parse(big);
        Assert.Contains("at most", error!.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void BuildFindQuery_BindsEveryValue()
    {
        var (operation, _) = Parse("""{"operation":"find","object":"Lead","where":{"Email":"x' OR Name != '","NumberOfEmployees":5,"IsConverted":false,"Status":["Open","Closed"],"Phone":null},"fields":["Id","Name"],"limit":7}""")
            .Validate(OperationPolicy.Default);
        var query = OperationHandler.BuildFindQuery((FindOperation)operation!);
        Assert.Equal(
            @"SELECT Id, Name FROM Lead WHERE Email = 'x\' OR Name != \'' AND NumberOfEmployees = 5 AND IsConverted = false AND Status IN ('Open', 'Closed') AND Phone = null LIMIT 7",
            query.Text);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"Lead":{"operations":["explode"]}}""")]
    [InlineData("""{"Lead":{"fields":["a b"]}}""")]
    [InlineData("""{"Le ad":"*"}""")]
    [InlineData("{}")]
    public void PolicyParse_Invalid_SaysWhy(string json) =>
        Assert.Throws<ArgumentException>(() => OperationPolicy.Parse(json));

    [Fact]
    public void Result_Json_HasTheContractShape()
    {
        Assert.Equal("""{"ok":true,"statusCode":201,"id":"00Q000000000001AAA"}""", OperationResult.Success(201, "00Q000000000001AAA").ToString());
        Assert.Equal("""{"ok":false,"statusCode":400,"error":{"code":"REQUIRED_FIELD_MISSING","message":"Required fields are missing: [LastName]","fields":["LastName"],"retryable":false}}""",
            OperationResult.Failure(400, "REQUIRED_FIELD_MISSING", "Required fields are missing: [LastName]", ["LastName"]).ToString());
        Assert.Equal("""{"ok":false,"statusCode":503,"error":{"code":"NOT_STARTED","message":"m","fields":[],"retryable":true}}""",
            OperationResult.Transient(503, OperationResult.NotStarted, "m").ToString());
    }

    private static OperationRequest Parse(string json)
    {
        var (request, error) = OperationRequest.Parse(Encoding.UTF8.GetBytes(json));
        Assert.Null(error);
        return request!;
    }
}
