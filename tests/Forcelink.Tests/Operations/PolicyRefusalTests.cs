using Forcelink.Tests.TestDoubles;
using System.Text;
using Forcelink.Operations;

namespace Forcelink.Tests.Operations;

/// <summary>Every FORBIDDEN answer names FORCELINK_POLICY and a rule that, put in the policy, allows the request.</summary>
public sealed class PolicyRefusalTests
{
    private const string Narrow = """{"Lead":{"operations":["create","find"],"fields":["LastName","Company","Email"]},"Invoice__c":{"operations":["get"]}}""";

    public static TheoryData<string, string, string> Refused => new()
    {
        { Narrow, """{"operation":"get","object":"User","id":"005000000000001AAA"}""", "\"User\":{\"operations\":[\"get\"],\"fields\":\"*\"}" },
        { Narrow, """{"operation":"delete","object":"Lead","id":"00Q000000000001AAA"}""", "\"Lead\":{\"operations\":[\"create\",\"find\",\"delete\"],\"fields\":[\"Company\",\"Email\",\"LastName\"]}" },
        { Narrow, """{"operation":"create","object":"lead","fields":{"LastName":"Doe","Secret__c":"x"}}""", "\"Lead\":{\"operations\":[\"create\",\"find\"],\"fields\":[\"Company\",\"Email\",\"LastName\",\"Secret__c\"]}" },
        { Narrow, """{"operation":"find","object":"Lead","where":{"Phone":"1"},"fields":["Status"]}""", "\"Lead\":{\"operations\":[\"create\",\"find\"],\"fields\":[\"Company\",\"Email\",\"LastName\",\"Phone\",\"Status\"]}" },
        { Narrow, """{"operation":"upsert","object":"Lead","externalIdField":"Ext_Id__c","externalId":"42","fields":{"LastName":"Doe"}}""", "\"Lead\":{\"operations\":[\"create\",\"find\",\"upsert\"],\"fields\":[\"Company\",\"Email\",\"Ext_Id__c\",\"LastName\"]}" },
        { Narrow, """{"operation":"delete","object":"Invoice__c","id":"a00000000000001AAA"}""", "\"Invoice__c\":{\"operations\":[\"get\",\"delete\"],\"fields\":\"*\"}" },
        { """{"Lead":{"operations":"*"}}""", """{"operation":"get","object":"Lead","id":"00Q000000000001AAA","fields":["Name","Ext_Id__c"]}""", ",\"Website\"]}" },
        { """{"Case":{"operations":["get"]}}""", """{"operation":"delete","object":"Case","id":"500000000000001AAA"}""", "\"Case\":{\"operations\":[\"get\",\"delete\"]}" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Validate_RequestOutsideThePolicy_NamesTheSettingAndARuleThatAllowsIt(string policy, string json, string rule)
    {
        var (_, error) = Parse(json).Validate(OperationPolicy.Parse(policy));

        Assert.Equal((403, "FORBIDDEN"), (error!.StatusCode, error.ErrorCode));
        Assert.Contains("FORCELINK_POLICY decides what callers may use (docs/policy.md); this rule in it would allow the request: ", error.ErrorMessage, StringComparison.Ordinal);
        Assert.EndsWith(rule, error.ErrorMessage, StringComparison.Ordinal);
        var message = error.ErrorMessage!;
        var example = message[(message.LastIndexOf("request: ", StringComparison.Ordinal) + "request: ".Length)..];
        Assert.Null(Parse(json).Validate(OperationPolicy.Parse("{" + example + "}")).Error);
    }

    [Fact]
    public void Validate_FieldOutsideThePolicy_AnswersAsDocsPolicyShows()
    {
        var shown = File.ReadAllLines(Path.Combine(Forcelink.Tests.Lambda.EventContract.RepositoryRoot, "docs", "policy.md"))
            .SkipWhile(l => l != "```text").Skip(1).First();

        var (_, error) = Parse("""{"operation":"create","object":"Lead","fields":{"LastName":"Doe","Secret__c":"x"}}""")
            .Validate(OperationPolicy.Parse("""{"Lead":{"operations":["create","find"],"fields":["LastName","Company","Email"]}}"""));

        Assert.Equal(shown, error!.ErrorMessage);
    }

    [Theory]
    [InlineData("create,get")]
    [InlineData(" get")]
    [InlineData("1")]
    public void Validate_OperationThatIsNotExactlyAName_IsRefused(string operation)
    {
        var (_, error) = Parse($$"""{"operation":"{{operation}}","object":"Lead","id":"00Q000000000001AAA"}""").Validate(OperationPolicy.Default);

        Assert.Equal(400, error!.StatusCode);
        Assert.Contains("use one of create, get, find, update, upsert, delete", error.ErrorMessage, StringComparison.Ordinal);
    }

    private static OperationRequest Parse(string json) => OperationRequest.Parse(Encoding.UTF8.GetBytes(json)).Request!;
}
