using System.Text;
using System.Text.Json.Nodes;
using Forcelink.Csv;

namespace Forcelink.IntegrationTests.S3;

/// <summary>
/// CSV files dropped in S3 (s3rver on loopback), loaded by the function running its runtime loop against the fake
/// Runtime API, with the emulator as Salesforce: every row's outcome is checked in the results files.
/// </summary>
public sealed class S3LoadTests
{
    private static readonly TimeSpan FifteenMinutes = TimeSpan.FromMinutes(15);

    [Fact]
    public async Task FileDroppedInS3_EveryRowUpsertedOrFailedInTheResultsAndTheSummaryComplete()
    {
        await using var harness = await S3FunctionHarness.StartAsync();
        const string key = "loads/upsert/Lead/Ext_Id__c/leads.csv";
        await harness.PutAsync(key, Leads(1_000, bogusEvery: 100));

        var answer = await harness.InvokeAsync(await harness.CreatedEventAsync(key), FifteenMinutes, TimeSpan.FromMilliseconds(100));

        Assert.Equal("""{"batchItemFailures":[]}""", answer.ToJsonString());
        var summary = await harness.SummaryAsync(key);
        Assert.Equal(("complete", 1_000L, 1_000L, 990L, 10L, 0L), (Text(summary, "status"), Number(summary, "rows"), Number(summary, "rowsSent"), Number(summary, "rowsSuccessful"), Number(summary, "rowsFailed"), Number(summary, "rowsUnprocessed")));
        Assert.Equal(("upsert", "Lead", "Ext_Id__c"), (Text(summary, "operation"), Text(summary, "object"), Text(summary, "externalIdField")));
        Assert.Single(summary["jobs"]!.AsArray());
        Assert.Equal(1, summary["invocations"]!.GetValue<int>());

        var successful = await RowsAsync(harness, $"results/{key}/successful.csv");
        var failed = await RowsAsync(harness, $"results/{key}/failed.csv");
        var unprocessed = await RowsAsync(harness, $"results/{key}/unprocessed.csv");
        Assert.Equal(["sf__Id", "sf__Created", "Ext_Id__c", "LastName", "Company", "Status"], successful[0]);
        Assert.Equal(["sf__Id", "sf__Error", "Ext_Id__c", "LastName", "Company", "Status"], failed[0]);
        Assert.Equal(["Ext_Id__c", "LastName", "Company", "Status"], unprocessed[0]);
        Assert.Single(unprocessed);
        Assert.All(successful.Skip(1), r => Assert.StartsWith("00Q", r[0], StringComparison.Ordinal));
        Assert.All(successful.Skip(1), r => Assert.Equal("true", r[1]));
        Assert.All(failed.Skip(1), r => Assert.StartsWith("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST:", r[1], StringComparison.Ordinal));
        Assert.Equal(Enumerable.Range(0, 1_000).Where(i => i % 100 != 7).Select(ExtId).Order(), successful.Skip(1).Select(r => r[2]).Order());
        Assert.Equal(Enumerable.Range(0, 1_000).Where(i => i % 100 == 7).Select(ExtId).Order(), failed.Skip(1).Select(r => r[2]).Order());
        Assert.Equal(990, await harness.Fixture.Client.CountAsync($"SELECT COUNT() FROM Lead WHERE Company = {"S3 Co"}"));

        var output = harness.Output;
        Assert.DoesNotContain("Last-0", output, StringComparison.Ordinal);
        Assert.DoesNotContain("EXT-0", output, StringComparison.Ordinal);
        Assert.Contains("\"S3RowsProcessed\"", output, StringComparison.Ordinal);
        Assert.Contains("\"S3BulkJobDuration\"", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JobStillRunningAtTheDeadline_IsRecordedAndAFollowUpInvocationFinishesIt()
    {
        await using var harness = await S3FunctionHarness.StartAsync(processingTime: TimeSpan.FromMinutes(20));
        const string key = "loads/insert/Lead/slow.csv";
        await harness.PutAsync(key, Leads(300, bogusEvery: 0));

        var first = await harness.InvokeAsync(await harness.CreatedEventAsync(key), FifteenMinutes, TimeSpan.FromSeconds(1));

        Assert.Equal("""{"batchItemFailures":[]}""", first.ToJsonString());
        var running = await harness.SummaryAsync(key);
        Assert.Equal(("running", 300L, 300L), (Text(running, "status"), Number(running, "rows"), Number(running, "rowsSent")));
        var job = Assert.Single(running["jobs"]!.AsArray())!;
        Assert.Equal(300, job["sent"]!.GetValue<long>());
        Assert.Null(await harness.ReadAsync($"results/{key}/successful.csv"));
        var followUp = Assert.Single(await harness.ReceiveAsync())!;
        Assert.Equal(60, followUp["Attributes"]!["DelaySeconds"]!.GetValue<int>());

        // SQS delivers the follow-up after its delay, to a later invocation.
        var second = await harness.InvokeAsync(S3FunctionHarness.SqsBatch(("f1", followUp["Body"]!.GetValue<string>())), FifteenMinutes, TimeSpan.FromSeconds(1));

        Assert.Equal("""{"batchItemFailures":[]}""", second.ToJsonString());
        var done = await harness.SummaryAsync(key);
        Assert.Equal(("complete", 300L, 0L, 2), (Text(done, "status"), Number(done, "rowsSuccessful"), Number(done, "rowsFailed"), done["invocations"]!.GetValue<int>()));
        Assert.Equal(job["id"]!.GetValue<string>(), done["jobs"]![0]!["id"]!.GetValue<string>());
        var successful = await RowsAsync(harness, $"results/{key}/successful.csv");
        Assert.Equal(Enumerable.Range(0, 300).Select(ExtId).Order(), successful.Skip(1).Select(r => r[2]).Order());
        Assert.Equal(300, await harness.Fixture.Client.CountAsync($"SELECT COUNT() FROM Lead WHERE Company = {"S3 Co"}"));
        Assert.Empty(await harness.ReceiveAsync());
    }

    [Fact]
    public async Task SameFileDeliveredAgain_ThroughSqsOrEventBridge_IsLoadedOnce()
    {
        await using var harness = await S3FunctionHarness.StartAsync();
        const string key = "loads/insert/Lead/twice.csv";
        await harness.PutAsync(key, Leads(20, bogusEvery: 0));
        var created = await harness.CreatedEventAsync(key, "m1");
        var head = await harness.S3.GetObjectMetadataAsync(S3FunctionHarness.Bucket, key);
        var eventBridge = new JsonObject
        {
            ["version"] = "0",
            ["detail-type"] = "Object Created",
            ["source"] = "aws.s3",
            ["detail"] = new JsonObject
            {
                ["bucket"] = new JsonObject { ["name"] = S3FunctionHarness.Bucket },
                ["object"] = new JsonObject { ["key"] = key, ["size"] = head.ContentLength, ["etag"] = head.ETag.Trim('"') },
            },
        };

        await harness.InvokeAsync(created, FifteenMinutes, TimeSpan.FromMilliseconds(100));
        var first = await harness.SummaryAsync(key);
        var again = await harness.InvokeAsync(S3FunctionHarness.SqsBatch(("m2", created["Records"]![0]!["body"]!.GetValue<string>())), FifteenMinutes, TimeSpan.FromMilliseconds(100));
        await harness.InvokeAsync(eventBridge, FifteenMinutes, TimeSpan.FromMilliseconds(100));

        Assert.Equal("""{"batchItemFailures":[]}""", again.ToJsonString());
        Assert.Equal(20, await harness.Fixture.Client.CountAsync($"SELECT COUNT() FROM Lead WHERE Company = {"S3 Co"}"));
        Assert.Equal(first.ToJsonString(), (await harness.SummaryAsync(key)).ToJsonString());
        Assert.Contains("\"S3DuplicateDeliveries\"", harness.Output, StringComparison.Ordinal);

        // The same key with new content is a new file: loaded again, its rows refused as duplicates of the first file's.
        await harness.PutAsync(key, Leads(5, bogusEvery: 0));
        await harness.InvokeAsync(await harness.CreatedEventAsync(key, "m3"), FifteenMinutes, TimeSpan.FromMilliseconds(100));
        var second = await harness.SummaryAsync(key);
        Assert.Equal(("complete", 5L, 5L), (Text(second, "status"), Number(second, "rows"), Number(second, "rowsFailed")));
        Assert.NotEqual(Text(first, "eTag"), Text(second, "eTag"));
    }

    [Fact]
    public async Task BadFiles_EachGetsASummarySayingWhatIsWrong_NothingIsLoadedAndTheFunctionGoesOn()
    {
        await using var harness = await S3FunctionHarness.StartAsync(maxBytes: 4_096);
        var files = new (string Key, byte[] Bytes, string Expected)[]
        {
            ("loads/insert/Lead/binary.csv", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0xFF, 0xFE, 0x00, 0x01], "not UTF-8 text"),
            ("loads/insert/Lead/json.csv", Encoding.UTF8.GetBytes("""{"LastName":"Doe","Company":"Acme"}""" + "\n"), "does not read as CSV"),
            ("loads/insert/Lead/text.csv", Encoding.UTF8.GetBytes("Dear team; please load the attached leads.\n"), "not a field API name"),
            ("loads/upsert/Lead/Ext_Id__c/quotes.csv", Encoding.UTF8.GetBytes("Ext_Id__c,LastName,Company\nEXT-1,\"Doe,S3 Co\nEXT-2,Roe,S3 Co\n"), "quote"),
            ("loads/insert/Lead/columns.csv", Encoding.UTF8.GetBytes("LastName,Company,Shoe_Size__c\nDoe,S3 Co,42\n"), "'Shoe_Size__c' is not a field of Lead"),
            ("loads/insert/Lead/header-only.csv", Encoding.UTF8.GetBytes("LastName,Company\n"), "a header but no rows"),
            ("loads/insert/Lead/blank.csv", Encoding.UTF8.GetBytes("\n"), "The file is empty"),
            ("loads/insert/Lead/zero.csv", [], "empty (0 bytes)"),
            ("loads/insert/Lead/large.csv", Leads(100, bogusEvery: 0), "more than the 4,096"),
            ("loads/merge/Lead/leads.csv", Leads(2, bogusEvery: 0), "'merge' is not an operation"),
            ("loads/upsert/Lead/Ext_Id__c/no-ids.csv", Encoding.UTF8.GetBytes("Ext_Id__c,LastName,Company\n,Doe,S3 Co\n"), "no value for the external id"),
            ("loads/upsert/Lead/Ext_Id__c/cells.csv", Encoding.UTF8.GetBytes("Ext_Id__c,LastName,Company\nEXT-1,Doe,S3 Co,extra\n"), "the row has 4 cells"),
        };
        var messages = new List<(string, string)>();
        foreach (var (key, bytes, _) in files)
        {
            await harness.PutAsync(key, bytes);
            messages.Add(($"m{messages.Count}", (await harness.CreatedEventAsync(key))["Records"]![0]!["body"]!.GetValue<string>()));
        }

        const string good = "loads/insert/Lead/good.csv";
        await harness.PutAsync(good, Leads(3, bogusEvery: 0));
        messages.Add(("good", (await harness.CreatedEventAsync(good))["Records"]![0]!["body"]!.GetValue<string>()));

        var answer = await harness.InvokeAsync(S3FunctionHarness.SqsBatch([.. messages]), FifteenMinutes, TimeSpan.FromMilliseconds(100));

        Assert.Equal("""{"batchItemFailures":[]}""", answer.ToJsonString());
        foreach (var (key, _, expected) in files)
        {
            var summary = await harness.SummaryAsync(key);
            Assert.True(Text(summary, "status") == "failed", $"{key}: {summary}");
            Assert.Contains(expected, Text(summary, "message"), StringComparison.Ordinal);
            Assert.Empty(summary["jobs"]!.AsArray());
            Assert.Null(await harness.ReadAsync($"results/{key}/successful.csv"));
        }

        Assert.Equal("complete", Text(await harness.SummaryAsync(good), "status"));
        Assert.Equal(3, await harness.Fixture.Client.CountAsync($"SELECT COUNT() FROM Lead WHERE Company = {"S3 Co"}"));
        Assert.DoesNotContain("Shoe_Size__c,42", harness.Output, StringComparison.Ordinal);
    }

    private static string ExtId(int i) => $"EXT-{i:D7}";

    /// <summary>Leads with external ids EXT-0000000 on; every row whose index ends in 7 (per hundred) has a status the
    /// restricted picklist refuses, when <paramref name="bogusEvery"/> is 100.</summary>
    private static byte[] Leads(int count, int bogusEvery)
    {
        var csv = new StringBuilder("Ext_Id__c,LastName,Company,Status\n");
        for (var i = 0; i < count; i++)
        {
            var status = bogusEvery > 0 && i % bogusEvery == 7 ? "Bogus" : "Open - Not Contacted";
            csv.Append(ExtId(i)).Append(",Last-").Append(i.ToString("D7", System.Globalization.CultureInfo.InvariantCulture)).Append(",S3 Co,").Append(status).Append('\n');
        }

        return Encoding.UTF8.GetBytes(csv.ToString());
    }

    private static async Task<List<IReadOnlyList<string>>> RowsAsync(S3FunctionHarness harness, string key)
    {
        var text = await harness.ReadAsync(key) ?? throw new InvalidOperationException($"No {key}.");
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));
        var rows = new List<IReadOnlyList<string>>();
        await foreach (var row in CsvReader.Open(stream).ReadAsync())
        {
            rows.Add(row.Fields);
        }

        return rows;
    }

    private static string? Text(JsonObject summary, string name) => summary[name]?.GetValue<string>();

    private static long Number(JsonObject summary, string name) => summary[name]!.GetValue<long>();
}
