using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Forcelink.Tests.Conformance;

namespace Forcelink.IntegrationTests.Conformance;

/// <summary>The emulator's Bulk API 2.0 against restforce's recorded bulk answers, the Salesforce CLI's CSV files in
/// every column delimiter, and Salesforce's own Postman catalog of Bulk API 2.0 requests.</summary>
public sealed class BulkShapeTests
{
    private const string Jobs = "jobs/ingest";

    public static TheoryData<string> Variants => new("restforce/historic/bulk_620777e/", "restforce/historic/bulk_b9c8dde/");

    /// <summary>restforce trimmed its close and status answers to the keys its client read.</summary>
    private static ShapeRules Trimmed() => new ShapeRules()
        .Open("$", "restforce trimmed this recorded answer to the keys its client read (state, id); Salesforce answers the whole job info");

    [ConformanceTheory]
    [MemberData(nameof(Variants))]
    public async Task IngestJob_EachAnswerAsRecorded(string folder)
    {
        await using var org = await ConformanceOrg.StartAsync();

        var (createStatus, created) = await org.CallAsync(HttpMethod.Post, Jobs, new { @object = "Account", operation = "insert", lineEnding = "LF", columnDelimiter = "COMMA" });
        var id = created!["id"]!.GetValue<string>();
        var (uploadStatus, uploaded) = await UploadAsync(org, id, "Name\nFoo Bar\nBizz Buzz\n");
        var (closeStatus, closed) = await org.CallAsync(HttpMethod.Patch, $"{Jobs}/{id}", new { state = "UploadComplete" });
        var (checkStatus, checkedJob) = await org.CallAsync(HttpMethod.Get, $"{Jobs}/{id}");

        Assert.Equal((200, 201, 200, 200), (createStatus, uploadStatus, closeStatus, checkStatus));
        ConformanceOrg.AssertShape(ConformanceCorpus.ReadJson(folder + "create_job_success_response.json"), created);
        Assert.Matches(@"^services/data/v\d+\.\d/jobs/ingest/750\w{15}/batches$", ConformanceCorpus.ReadJson(folder + "create_job_success_response.json")["contentUrl"]!.GetValue<string>());
        Assert.Equal($"services/data/v62.0/jobs/ingest/{id}/batches", created["contentUrl"]!.GetValue<string>());
        Assert.Equal(JsonSerializer.Deserialize<string>(ConformanceCorpus.ReadText(folder + "upload_csv_success_response.json")), uploaded);
        ConformanceOrg.AssertShape(ConformanceCorpus.ReadJson(folder + "close_job_success_response.json"), closed, Trimmed());
        Assert.Equal("UploadComplete", closed!["state"]!.GetValue<string>());
        ConformanceOrg.AssertShape(ConformanceCorpus.ReadJson(folder + "check_status_success_response.json"), checkedJob, Trimmed());
        Assert.Equal("JobComplete", checkedJob!["state"]!.GetValue<string>());
    }

    [ConformanceTheory]
    [MemberData(nameof(Variants))]
    public async Task Results_SameCsvShape(string folder)
    {
        await using var org = await ConformanceOrg.StartAsync();
        var existing = await org.AddAsync("Account", new { Name = "Foo" }, new { Name = "Bizz" });
        var (_, created) = await org.CallAsync(HttpMethod.Post, Jobs, new { @object = "Account", operation = "update" });
        var id = created!["id"]!.GetValue<string>();
        // Two rows written, two refused by the save rules (a name over 255 characters), as the recording has two of each.
        var tooLong = new string('x', 256);
        await UploadAsync(org, id, $"Id,Name\n{existing[0]},Foo Bar\n{existing[1]},Bizz Buzz\n{existing[0]},{tooLong}\n{existing[1]},{tooLong}\n");
        await org.CallAsync(HttpMethod.Patch, $"{Jobs}/{id}", new { state = "UploadComplete" });

        var successful = await CsvAsync(org, $"{Jobs}/{id}/successfulResults");
        var failed = await CsvAsync(org, $"{Jobs}/{id}/failedResults");

        AssertCsvShape(RecordedCsv(folder + "success_results_success_response.json"), successful, idColumn: "Id");
        AssertCsvShape(RecordedCsv(folder + "failed_results_success_response.json"), failed, idColumn: "Id");
        Assert.All(successful.Skip(1), row => Assert.Matches(@"^""001\w{15}"",""(true|false)"",""", row));
        Assert.All(failed.Skip(1), row => Assert.Matches(@"^""001\w{15}"",""STRING_TOO_LONG:[^""]+ --"",""", row));
    }

    public static TheoryData<string, string> CliCsvFiles => new()
    {
        { "backquote.csv", "BACKQUOTE" },
        { "caret.csv", "CARET" },
        { "comma.csv", "COMMA" },
        { "comma_wrapped_values.csv", "COMMA" },
        { "pipe.csv", "PIPE" },
        { "semicolon.csv", "SEMICOLON" },
        { "single-column.csv", "COMMA" },
        { "tab.csv", "TAB" },
    };

    [ConformanceTheory]
    [MemberData(nameof(CliCsvFiles))]
    public async Task CliCsvInEachDelimiter_EveryRowWritten(string file, string delimiter)
    {
        var csv = ConformanceCorpus.ReadText("plugin-data/test/test-files/csv/" + file);
        var rows = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1;
        await using var org = await ConformanceOrg.StartAsync();
        var (_, created) = await org.CallAsync(HttpMethod.Post, Jobs, new { @object = "Account", operation = "insert", columnDelimiter = delimiter });
        var id = created!["id"]!.GetValue<string>();

        await UploadAsync(org, id, csv);
        await org.CallAsync(HttpMethod.Patch, $"{Jobs}/{id}", new { state = "UploadComplete" });
        var (_, job) = await org.CallAsync(HttpMethod.Get, $"{Jobs}/{id}");
        var (_, accounts) = await org.QueryAsync("SELECT Name FROM Account WHERE Name LIKE 'account Upsert #%' ORDER BY Name");

        Assert.Equal(("JobComplete", rows, 0), (job!["state"]!.GetValue<string>(), job["numberRecordsProcessed"]!.GetValue<int>(), job["numberRecordsFailed"]!.GetValue<int>()));
        Assert.Equal(Enumerable.Range(0, rows).Select(i => $"account Upsert #{i}"), accounts!["records"]!.AsArray().Select(r => r!["Name"]!.GetValue<string>()));
    }

    [ConformanceFact]
    public async Task PostmanCatalog_EveryRequestServedInTurn()
    {
        await using var org = await ConformanceOrg.StartAsync();
        var account = (await org.AddAsync("Account", new { Name = "Before" }))[0];
        string? jobId = null;
        var statuses = new List<(string Name, int Status)>();
        foreach (var name in new[]
        {
            "create_job", "upload_job_data", "close_or_abort_a_job", "get_job_info", "get_job_successful_record_results",
            "get_job_failed_record_results", "get_job_unprocessed_record_results", "get_all_jobs", "delete_job",
        })
        {
            var request = ConformanceCorpus.ReadJson($"postman/bulk_v2/{name}.json");
            var url = request["url"]!.GetValue<string>().Replace("{{_endpoint}}", "", StringComparison.Ordinal)
                .Replace("{{version}}", EmulatorFixtureVersion, StringComparison.Ordinal).Replace("{{_jobId}}", jobId, StringComparison.Ordinal);
            using var message = new HttpRequestMessage(new HttpMethod(request["method"]!.GetValue<string>()), url);
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", org.Token);
            var body = request["rawModeData"]?.GetValue<string>() ?? "";
            if (name == "create_job")
            {
                // The catalog updates Assets, which the emulator does not have; an Account update is the same request.
                body = body.Replace("\"Asset\"", "\"Account\"", StringComparison.Ordinal);
            }
            else if (name == "upload_job_data")
            {
                body = $"Id,Name\n{account},After\n";
            }

            if (body.Length > 0 || request["method"]!.GetValue<string>() is "PUT" or "PATCH" or "POST")
            {
                var contentType = (request["headers"]?.GetValue<string>() ?? "").Split('\n')
                    .Select(h => h.Trim()).FirstOrDefault(h => h.StartsWith("Content-Type:", StringComparison.Ordinal))?["Content-Type:".Length..].Trim();
                message.Content = new StringContent(body, Encoding.UTF8);
                message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType ?? "application/json");
            }

            using var response = await org.Emulator.Http.SendAsync(message);
            statuses.Add((name, (int)response.StatusCode));
            if (name == "create_job")
            {
                jobId = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
            }
        }

        Assert.Equal(
            [("create_job", 200), ("upload_job_data", 201), ("close_or_abort_a_job", 200), ("get_job_info", 200), ("get_job_successful_record_results", 200),
             ("get_job_failed_record_results", 200), ("get_job_unprocessed_record_results", 200), ("get_all_jobs", 200), ("delete_job", 204)],
            statuses);
        var (_, renamed) = await org.CallAsync(HttpMethod.Get, $"sobjects/Account/{account}?fields=Name");
        Assert.Equal("After", renamed!["Name"]!.GetValue<string>());
    }

    private const string EmulatorFixtureVersion = Emulator.EmulatorFixture.ApiVersion;

    private static async Task<(int Status, string Body)> UploadAsync(ConformanceOrg org, string jobId, string csv)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/services/data/v{EmulatorFixtureVersion}/{Jobs}/{jobId}/batches")
        {
            Content = new StringContent(csv, Encoding.UTF8, "text/csv"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", org.Token);
        using var response = await org.Emulator.Http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<List<string>> CsvAsync(ConformanceOrg org, string path)
    {
        using var response = await org.Emulator.SendAsync(HttpMethod.Get, path, org.Token);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        return [.. (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r'))];
    }

    /// <summary>restforce stored each result file as a JSON string of the CSV text.</summary>
    private static List<string> RecordedCsv(string file) =>
        [.. JsonSerializer.Deserialize<string>(ConformanceCorpus.ReadText(file))!.Split('\n', StringSplitOptions.RemoveEmptyEntries)];

    /// <summary>The same header (the <c>sf__</c> columns quoted, then the uploaded columns as sent, after the
    /// recording's single <c>Name</c> the <paramref name="idColumn"/> the update needed) and every value quoted.</summary>
    private static void AssertCsvShape(List<string> recorded, List<string> actual, string idColumn)
    {
        Assert.Equal(recorded[0].Replace(",Name", $",{idColumn},Name", StringComparison.Ordinal), actual[0]);
        Assert.Equal(recorded.Count, actual.Count);
        Assert.All(recorded.Skip(1).Concat(actual.Skip(1)), row => Assert.Matches(@"^""[^""]*""(,""[^""]*"")+$", row));
    }
}
