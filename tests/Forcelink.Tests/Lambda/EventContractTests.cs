using Forcelink.Tests.TestDoubles;
using System.Text.Json;
using System.Text.RegularExpressions;
using Forcelink.Operations;

namespace Forcelink.Tests.Lambda;

/// <summary>The schema itself, and the examples in docs/events.md and docs/policy.md against it.</summary>
public sealed partial class EventContractTests
{
    private static readonly string EventsPage = Path.Combine(EventContract.RepositoryRoot, "docs", "events.md");
    private static readonly string PolicyPage = Path.Combine(EventContract.RepositoryRoot, "docs", "policy.md");

    public static TheoryData<int, string, string> EventsExamples => Examples(EventsPage);

    [Theory]
    [MemberData(nameof(EventsExamples))]
    public void EventsPage_Example_ConformsToTheDefNamedAboveIt(int line, string marker, string json)
    {
        Assert.True(marker.StartsWith("schema: ", StringComparison.Ordinal), $"docs/events.md:{line}: the example has no <!-- schema: $def --> line above it");

        Assert.True(EventContract.Problem(marker["schema: ".Length..], json) is null, $"docs/events.md:{line}: {EventContract.Problem(marker["schema: ".Length..], json)}");
    }

    [Fact]
    public void EventsPage_EveryDef_HasAnExample()
    {
        var shown = Examples(EventsPage).Select(e => (string)e[1]).ToHashSet(StringComparer.Ordinal);

        var missing = EventContract.DefNames().Where(d => !shown.Contains($"schema: {d}")).ToList();

        Assert.True(missing.Count == 0, $"docs/events.md has no example of {string.Join(", ", missing)}");
    }

    [Fact]
    public void EventsPage_EachOperation_ShownAsDirectHttpAndSqsEvent()
    {
        var examples = Examples(EventsPage).Select(e => ((string)e[1], JsonDocument.Parse((string)e[2]).RootElement)).ToList();
        var direct = examples.Where(e => e.Item1.EndsWith("Request", StringComparison.Ordinal) && e.Item1 != "schema: httpApiRequest")
            .Select(e => e.Item2.GetProperty("operation").GetString()!.ToLowerInvariant());
        var http = examples.Where(e => e.Item1 == "schema: httpApiRequest").Select(e => e.Item2.GetProperty("requestContext").GetProperty("http").GetProperty("method").GetString()!);
        var sqs = examples.Where(e => e.Item1 == "schema: sqsEvent").SelectMany(e => e.Item2.GetProperty("Records").EnumerateArray())
            .Select(r => JsonDocument.Parse(r.GetProperty("body").GetString()!).RootElement.GetProperty("operation").GetString()!);
        string[] operations = ["create", "get", "find", "update", "upsert", "delete"];

        Assert.Equal(operations, operations.Intersect(direct));
        Assert.Equal(operations, operations.Intersect(sqs));
        Assert.Equal(["DELETE", "GET", "PATCH", "POST"], http.Distinct().Order(StringComparer.Ordinal));
    }

    public static TheoryData<int, string, string> PolicyExamples => Examples(PolicyPage);

    [Theory]
    [MemberData(nameof(PolicyExamples))]
    public void PolicyPage_Example_IsAPolicy(int line, string marker, string json)
    {
        Assert.True(marker == "policy", $"docs/policy.md:{line}: the example has no <!-- policy --> line above it");

        Assert.NotEmpty(OperationPolicy.Parse(json).Objects);
    }

    [Fact]
    public void Schema_Examples_AreRefusedWhereTheFunctionRefusesThem()
    {
        // Each of these is answered 400 by the function; the schema says why as well.
        string[] refused =
        [
            """{"operation":"create, get","object":"Lead","id":"00Q000000000001AAA"}""",
            """{"operation":"get","object":" ","id":"00Q000000000001AAA"}""",
            """{"operation":"get","object":"Lead","id":"00Q00000000001AAA"}""",
            """{"operation":"create","object":"Lead","fields":{"Id":"00Q000000000001AAA"}}""",
            """{"operation":"create","object":"Lead","fields":{"LastName":"Doe"},"idempotencyKey":""}""",
            """{"operation":"find","object":"Lead","where":{"Email":[]}}""",
            """{"operation":"find","object":"Lead","where":{"Email":"a"},"limit":2001}""",
            """{"operation":"find","object":"Lead","where":{"Email":"a"},"limit":1.5}""",
            """{"operation":"update","object":"Lead","id":"00Q000000000001AAA","fields":{"Phone":{"x":1}}}""",
            """{"operation":"upsert","object":"Lead","externalIdField":"Ext_Id__c","externalId":"","fields":{"LastName":"Doe"}}""",
            """{"operation":"find","object":"Lead","where":{"NumberOfEmployees":1e30}}""",
        ];

        Assert.All(refused, json =>
        {
            Assert.NotNull(EventContract.Problem("operationRequest", json));
            Assert.NotNull(OperationRequest.Parse(System.Text.Encoding.UTF8.GetBytes(json)).Request!.Validate(OperationPolicy.Default).Error);
        });
    }

    [Fact]
    public void Schema_WholeNumberLimitWrittenWithAFraction_AcceptedAsTheSchemaSays()
    {
        const string Json = """{"operation":"find","object":"Lead","where":{"Email":"a@b.c"},"limit":10.0}""";

        var (operation, error) = OperationRequest.Parse(System.Text.Encoding.UTF8.GetBytes(Json)).Request!.Validate(OperationPolicy.Default);

        Assert.Null(error);
        Assert.Equal(10, Assert.IsType<FindOperation>(operation).Limit);
        Assert.Null(EventContract.Problem("operationRequest", Json));
    }

    // The ```json blocks of a page: line, the <!-- marker --> right above the block (blank lines between allowed), text.
    private static TheoryData<int, string, string> Examples(string page)
    {
        var data = new TheoryData<int, string, string>();
        var lines = File.ReadAllLines(page);
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i] != "```json")
            {
                continue;
            }

            var above = i - 1;
            while (above >= 0 && lines[above].Length == 0)
            {
                above--;
            }

            var marker = above >= 0 && Marker().Match(lines[above]) is { Success: true } m ? m.Groups[1].Value : "";
            var end = Array.IndexOf(lines, "```", i + 1);
            data.Add(i + 1, marker, string.Join("\n", lines[(i + 1)..end]));
            i = end;
        }

        return data;
    }

    [GeneratedRegex("^<!-- (.+) -->$")]
    private static partial Regex Marker();
}
