using System.Text.Json.Nodes;

namespace Forcelink.IntegrationTests.Emulator;

/// <summary>/sobjects/{object}/updated and /deleted on the wire: shapes, window rules and Salesforce's error texts.</summary>
public sealed class ReplicationTests
{
    private static readonly string Fixtures = Path.Combine(RepositoryPaths.Root, "..", "shared", "conformance", "restforce", "spec", "fixtures", "sobject");

    [RecordedShapeFact]
    public async Task UpdatedAndDeleted_Answers_HaveTheShapeOfRecordedSalesforceAnswers()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var id = await emulator.CreateAsync(token, "Lead", new { LastName = "Doe", Company = "Acme" });
        await emulator.CallAsync(HttpMethod.Delete, $"sobjects/Lead/{id}", token);
        emulator.Time.Advance(TimeSpan.FromMinutes(1));
        var window = Window(emulator.Time.GetUtcNow().AddMinutes(-5), emulator.Time.GetUtcNow());

        var (_, updated, _) = await emulator.CallAsync(HttpMethod.Get, "sobjects/Lead/updated/" + window, token);
        var (_, deleted, _) = await emulator.CallAsync(HttpMethod.Get, "sobjects/Lead/deleted/" + window, token);

        AssertSameShape(JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Fixtures, "get_updated_success_response.json")))!, updated!);
        AssertSameShape(JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Fixtures, "get_deleted_success_response.json")))!, deleted!);
        Assert.Equal(id, (string?)deleted!["deletedRecords"]![0]!["id"]);
    }

    [Theory]
    [InlineData(0, "startDate must be at least one minute greater than endDate")]
    [InlineData(-120, "startDate must be at least one minute greater than endDate")]
    public async Task Updated_WindowNotAMinuteLong_IsInvalidReplicationDate(int endSecondsAfterStart, string message)
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var start = emulator.Time.GetUtcNow().AddMinutes(-10).AddSeconds(10);

        var (status, body, _) = await emulator.CallAsync(HttpMethod.Get, "sobjects/Lead/updated/" + Window(start, start.AddSeconds(endSecondsAfterStart + 40)), token);

        Assert.Equal(400, status);
        Assert.Equal(EmulatorFixture.Compact($$"""[{"message":"{{message}}","errorCode":"INVALID_REPLICATION_DATE"}]"""), body!.ToJsonString());
    }

    [Fact]
    public async Task Deleted_StartMoreThanThirtyDaysAgo_IsInvalidReplicationDate()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var now = emulator.Time.GetUtcNow();

        var (status, body, _) = await emulator.CallAsync(HttpMethod.Get, "sobjects/Case/deleted/" + Window(now.AddDays(-30).AddMinutes(-1), now), token);
        var (inside, _, _) = await emulator.CallAsync(HttpMethod.Get, "sobjects/Case/deleted/" + Window(now.AddDays(-30), now), token);

        Assert.Equal(400, status);
        Assert.Equal("startDate before org replication enabled date", (string?)body![0]!["message"]);
        Assert.Equal(200, inside);
    }

    [Fact]
    public async Task Deleted_OlderThanTheDeleteLog_IsNotReturnedAndEarliestDateSaysSo()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var start = emulator.Time.GetUtcNow();
        var id = await emulator.CreateAsync(token, "Lead", new { LastName = "Old", Company = "Acme" });
        await emulator.CallAsync(HttpMethod.Delete, $"sobjects/Lead/{id}", token);
        emulator.Time.Advance(TimeSpan.FromDays(16));
        token = await emulator.GetTokenAsync();

        var (status, body, _) = await emulator.CallAsync(HttpMethod.Get, "sobjects/Lead/deleted/" + Window(start, emulator.Time.GetUtcNow()), token);

        Assert.Equal(200, status);
        Assert.Empty(body!["deletedRecords"]!.AsArray());
        Assert.Equal("2026-11-03T09:00:00.000+0000", (string?)body["earliestDateAvailable"]);
    }

    [Fact]
    public async Task Updated_MissingOrMalformedDate_IsRefused()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();

        var (missing, missingBody, _) = await emulator.CallAsync(HttpMethod.Get, "sobjects/Lead/updated/?end=2026-11-02T09%3A00%3A00Z", token);
        var (malformed, malformedBody, _) = await emulator.CallAsync(HttpMethod.Get, "sobjects/Lead/updated/?start=yesterday&end=2026-11-02T09%3A00%3A00Z", token);
        var (post, _, _) = await emulator.CallAsync(HttpMethod.Post, "sobjects/Lead/updated/", token, "{}");

        Assert.Equal((400, "MISSING_ARGUMENT"), (missing, (string?)missingBody![0]!["errorCode"]));
        Assert.Equal((400, "INVALID_REPLICATION_DATE"), (malformed, (string?)malformedBody![0]!["errorCode"]));
        Assert.Equal(405, post);
    }

    private static string Window(DateTimeOffset start, DateTimeOffset end) =>
        $"?start={Uri.EscapeDataString(start.ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture))}" +
        $"&end={Uri.EscapeDataString(end.ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture))}";

    /// <summary>Same keys at every level, same JSON kinds; values (ids, dates) may differ.</summary>
    private static void AssertSameShape(JsonNode recorded, JsonNode actual, string path = "$")
    {
        Assert.True(recorded.GetValueKind() == actual.GetValueKind(), $"{path}: recorded {recorded.GetValueKind()}, emulator {actual.GetValueKind()}");
        switch (recorded)
        {
            case JsonObject expected:
                Assert.Equal(expected.Select(p => p.Key).Order(), actual.AsObject().Select(p => p.Key).Order());
                foreach (var (key, value) in expected)
                {
                    AssertSameShape(value!, actual[key]!, $"{path}.{key}");
                }

                break;
            case JsonArray expected when expected.Count > 0 && actual.AsArray().Count > 0:
                AssertSameShape(expected[0]!, actual[0]!, $"{path}[0]");
                break;
            case JsonValue when recorded.GetValueKind() == System.Text.Json.JsonValueKind.String:
                var text = recorded.GetValue<string>();
                if (text.Length == 28 && text[10] == 'T')
                {
                    Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$", actual.GetValue<string>());
                }

                break;
            default:
                break;
        }
    }
}

/// <summary>A test that compares with responses recorded from real orgs (<c>../shared/conformance</c>, beside the checkout);
/// skipped, saying so, where that folder is absent.</summary>
public sealed class RecordedShapeFactAttribute : FactAttribute
{
    public RecordedShapeFactAttribute()
    {
        if (!Directory.Exists(Path.Combine(RepositoryPaths.Root, "..", "shared", "conformance")))
        {
            Skip = "../shared/conformance (recorded Salesforce responses) is not beside this checkout; the shape comparison needs it.";
        }
    }
}
