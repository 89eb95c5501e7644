using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Forcelink.Cli;
using Forcelink.Emulator.Hosting;

namespace Forcelink.IntegrationTests.Cli;

/// <summary>
/// <c>forcelink import</c> loses nothing and writes nothing twice: bad input is refused before anything is sent, and
/// every row of a run that meets faults or is stopped is counted and written where it can be imported again.
/// </summary>
public sealed class ImportAccountingTests
{
    private const string Header = "LastName,Company";

    private static string Leads(int from, int count)
    {
        var csv = new StringBuilder(Header).Append("\r\n");
        for (var i = from; i < from + count; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"Lead{i:D5},Acme\r\n");
        }

        return csv.ToString();
    }

    private static async Task<List<string>> LeadNamesAsync(CliOrg org)
    {
        var run = await org.RunAsync("query", "SELECT LastName FROM Lead", "--json");
        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        return [.. JsonNode.Parse(run.Output)!["records"]!.AsArray().Select(r => r!["LastName"]!.GetValue<string>())];
    }

    private static int CollectionPosts(CliOrg org) =>
        org.Host.Org.RequestLog.Count(e => e.Method == "POST" && e.Path.EndsWith("/composite/sobjects", StringComparison.Ordinal));

    [Fact]
    public async Task Import_RowWithMoreCellsThanHeader_IsRefusedWithItsLine_AndNothingIsSent()
    {
        await using var org = await CliOrg.StartAsync();
        await File.WriteAllTextAsync(org.Session.PathOf("leads.csv"), "LastName,Company\r\nSmith,Acme\r\nDoe, John,Acme\r\nTrailing,Comma,\r\n");

        var run = await org.RunAsync("import", "Lead", "leads.csv");

        Assert.True(run.ExitCode == ExitCodes.Failure, run.ToString());
        Assert.Contains("nothing was imported", run.Error);
        Assert.Contains("line 3, column 3: the row has 3 cells but the header has 2 columns", run.Error);
        Assert.DoesNotContain("line 4", run.Error);
        Assert.Equal(0, CollectionPosts(org));
    }

    [Fact]
    public async Task Import_IdColumnOnCreate_IsRefusedNamingTheColumnAndTheUpsertMode()
    {
        await using var org = await CliOrg.StartAsync();
        await File.WriteAllTextAsync(org.Session.PathOf("leads.csv"), "LastName,Id,Company\r\nSmith,00Q000000000001AAA,Acme\r\n");

        var run = await org.RunAsync("import", "Lead", "leads.csv");

        Assert.True(run.ExitCode == ExitCodes.Usage, run.ToString());
        Assert.Contains("column 2 'Id' cannot be sent when creating records", run.Error);
        Assert.Contains("--external-id Id", run.Error);
        Assert.Equal(0, CollectionPosts(org));
    }

    [Fact]
    public async Task Import_Latin1Bytes_AreRefusedWithTheLineAndHint_AndReadRightWithEncodingLatin1()
    {
        await using var org = await CliOrg.StartAsync();
        await File.WriteAllBytesAsync(org.Session.PathOf("leads.csv"), Encoding.Latin1.GetBytes("LastName,Company\r\nSmith,Acme\r\nM\u00fcller,B\u00e4ckerei\r\n"));

        var refused = await org.RunAsync("import", "Lead", "leads.csv");
        var imported = await org.RunAsync("import", "Lead", "leads.csv", "--encoding", "latin1");

        Assert.True(refused.ExitCode == ExitCodes.Failure, refused.ToString());
        Assert.Contains("line 3 is not valid UTF-8", refused.Error);
        Assert.Contains("--encoding latin1", refused.Error);
        Assert.True(imported.ExitCode == ExitCodes.Success, imported.ToString());
        Assert.Equal(["M\u00fcller", "Smith"], (await LeadNamesAsync(org)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Import_UnknownEncoding_IsAUsageError()
    {
        await using var org = await CliOrg.StartAsync();
        await File.WriteAllTextAsync(org.Session.PathOf("leads.csv"), "LastName,Company\r\nSmith,Acme\r\n");

        var run = await org.RunAsync("import", "Lead", "leads.csv", "--encoding", "ebcdic");

        Assert.True(run.ExitCode == ExitCodes.Usage, run.ToString());
        Assert.Contains("windows-1252", run.Error);
    }

    [Fact]
    public async Task Import_UnbalancedQuoteWith149RowsAfterIt_NamesTheLineTheQuoteStarted_AndImportsNothing()
    {
        await using var org = await CliOrg.StartAsync();
        var csv = new StringBuilder(Leads(0, 50)).Append("Broken,\"Acme\r\n").Append(Leads(51, 149)[(Header.Length + 2)..]);
        await File.WriteAllTextAsync(org.Session.PathOf("leads.csv"), csv.ToString());

        var run = await org.RunAsync("import", "Lead", "leads.csv");

        Assert.True(run.ExitCode == ExitCodes.Failure, run.ToString());
        Assert.Contains("line 52, column 2: a quoted field starts there and never ends", run.Error);
        Assert.Equal(0, CollectionPosts(org));
    }

    [Fact]
    public async Task Import_AllSucceed_RemovesFilesOfAnEarlierRun_AndSaysSoInJson()
    {
        await using var org = await CliOrg.StartAsync();
        await File.WriteAllTextAsync(org.Session.PathOf("leads.csv"), Leads(0, 3));
        foreach (var stale in new[] { "leads.errors.csv", "leads.remaining.csv", "leads.unknown.csv" })
        {
            await File.WriteAllTextAsync(org.Session.PathOf(stale), "from an earlier run\r\n");
        }

        var run = await org.RunAsync("import", "Lead", "leads.csv", "--json");

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        var summary = JsonNode.Parse(run.Output)!.AsObject();
        Assert.Equal(
            ["object", "mode", "rows", "succeeded", "created", "updated", "failed", "unknown", "notSent", "complete", "stopReason", "stopMessage", "remainingFile", "unknownFile", "errorsFile", "removedFiles"],
            summary.Select(p => p.Key));
        Assert.Equal("create", summary["mode"]!.GetValue<string>());
        Assert.Equal(3, summary["created"]!.GetValue<int>());
        Assert.True(summary["complete"]!.GetValue<bool>());
        Assert.Null(summary["errorsFile"]);
        Assert.Equal(3, summary["removedFiles"]!.AsArray().Count);
        Assert.False(File.Exists(org.Session.PathOf("leads.errors.csv")));
        Assert.False(File.Exists(org.Session.PathOf("leads.remaining.csv")));
        Assert.False(File.Exists(org.Session.PathOf("leads.unknown.csv")));
    }

    [Fact]
    public async Task Import_SomeFail_ReplacesAnEarlierErrorsFileWithThisRunsRows()
    {
        await using var org = await CliOrg.StartAsync();
        await File.WriteAllTextAsync(org.Session.PathOf("leads.csv"), "LastName,Company\r\nGood,Acme\r\n,NoName\r\n");
        await File.WriteAllTextAsync(org.Session.PathOf("leads.errors.csv"), "Line,ErrorCode\r\n99,OLD\r\n");

        var run = await org.RunAsync("import", "Lead", "leads.csv");

        Assert.Equal(ExitCodes.PartialFailure, run.ExitCode);
        var errors = await File.ReadAllLinesAsync(org.Session.PathOf("leads.errors.csv"));
        Assert.Equal(2, errors.Length);
        Assert.StartsWith("3,failed,REQUIRED_FIELD_MISSING,", errors[1]);
        Assert.Empty(Directory.GetFiles(org.Session.Directory, "*.partial"));
    }

    [Fact]
    public async Task Import_2000RowsWithServiceUnavailableFaults_CountsMatchTheOrg_AndTheUnknownRowsCompleteTheSet()
    {
        await using var org = await CliOrg.StartAsync((options, _) =>
        {
            options.RandomSeed = 7;
            options.Org.Faults.Add(new FaultRule { PathPrefix = "/services/data/v", Kind = FaultKind.ServiceUnavailable, Probability = 0.3 });
        });
        await File.WriteAllTextAsync(org.Session.PathOf("leads.csv"), Leads(0, 2000));

        var run = await org.RunAsync("import", "Lead", "leads.csv", "--json");
        org.Host.Org.ClearFaults();

        Assert.True(run.ExitCode == ExitCodes.PartialFailure, run.ToString());
        var summary = JsonNode.Parse(run.Output)!;
        var created = summary["created"]!.GetValue<int>();
        var unknown = summary["unknown"]!.GetValue<int>();
        Assert.Equal(2000, summary["rows"]!.GetValue<int>());
        Assert.True(unknown > 0, run.ToString());
        Assert.Equal(2000, created + unknown + summary["failed"]!.GetValue<int>() + summary["notSent"]!.GetValue<int>());
        Assert.Equal(created, (await LeadNamesAsync(org)).Count);
        Assert.Null(summary["remainingFile"]);
        var unknownFile = summary["unknownFile"]!.GetValue<string>();
        var unknownLines = await File.ReadAllLinesAsync(unknownFile);
        Assert.Equal(Header, unknownLines[0]);
        Assert.Equal(unknown, unknownLines.Length - 1);
        Assert.Equal(unknown, (await File.ReadAllLinesAsync(summary["errorsFile"]!.GetValue<string>())).Count(l => l.Contains(",unknown,OUTCOME_UNKNOWN,", StringComparison.Ordinal)));

        // A 503 from the emulator commits nothing, so here the unknown rows are exactly the missing ones.
        var again = await org.RunAsync("import", "Lead", unknownFile);

        Assert.True(again.ExitCode == ExitCodes.Success, again.ToString());
        var names = await LeadNamesAsync(org);
        Assert.Equal(2000, names.Count);
        Assert.Equal(2000, names.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData(LostAnswerHandler.Lose.DropConnection)]
    [InlineData(LostAnswerHandler.Lose.ServerError)]
    public async Task Import_AnswerLostAfterCommit_ReportsThatCallsRowsUnknown_AndNeverResendsThem(LostAnswerHandler.Lose lose)
    {
        await using var org = await CliOrg.StartAsync();
        using var transport = new LostAnswerHandler(lose, onCall: 3);
        org.Session.Transport = transport;
        await File.WriteAllTextAsync(org.Session.PathOf("leads.csv"), Leads(0, 2000));

        var run = await org.RunAsync("import", "Lead", "leads.csv", "--json");
        org.Session.Transport = null;

        Assert.True(run.ExitCode == ExitCodes.PartialFailure, run.ToString());
        var summary = JsonNode.Parse(run.Output)!;
        Assert.Equal(1800, summary["created"]!.GetValue<int>());
        Assert.Equal(200, summary["unknown"]!.GetValue<int>());
        Assert.Equal(0, summary["notSent"]!.GetValue<int>());
        Assert.True(summary["complete"]!.GetValue<bool>());
        Assert.Equal(10, CollectionPosts(org));
        Assert.Equal(2000, (await LeadNamesAsync(org)).Count);
        Assert.Null(summary["remainingFile"]);
        var unknownLines = await File.ReadAllLinesAsync(summary["unknownFile"]!.GetValue<string>());
        Assert.Equal([Header, .. Leads(400, 200).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1)], unknownLines);
    }

    [Fact]
    public async Task Import_AnswerLost_TellsHowToCheckBeforeImportingAgain()
    {
        await using var org = await CliOrg.StartAsync();
        using var transport = new LostAnswerHandler(LostAnswerHandler.Lose.DropConnection, onCall: 1);
        org.Session.Transport = transport;
        await File.WriteAllTextAsync(org.Session.PathOf("leads.csv"), Leads(0, 5));

        var run = await org.RunAsync("import", "Lead", "leads.csv");

        Assert.True(run.ExitCode == ExitCodes.PartialFailure, run.ToString());
        Assert.Contains("Imported 0 of 5 Lead rows (0 created, 0 updated); 0 failed, 5 unknown, 0 not sent.", run.Output);
        Assert.Contains("may or may not be in Salesforce", run.Output);
        Assert.Contains("SELECT Id, LastName FROM Lead WHERE CreatedDate = TODAY", run.Output);
        Assert.Contains("--external-id", run.Output);
        Assert.DoesNotContain("leads.remaining.csv", run.Output);
    }

    [Fact]
    public async Task Import_CancelledMidRun_CountsEveryRow_AndTheRemainingFileCompletesTheSetWithoutDuplicates()
    {
        await using var org = await CliOrg.StartAsync();
        using var cancellation = new CancellationTokenSource();
        using var transport = new LostAnswerHandler(LostAnswerHandler.Lose.Nothing, onCall: 3, cancellation);
        org.Session.Transport = transport;
        await File.WriteAllTextAsync(org.Session.PathOf("leads.csv"), Leads(0, 2000));

        var run = await org.Session.RunAsync(new StringWriter(), cancellation.Token, "import", "Lead", "leads.csv", "--json");
        org.Session.Transport = null;

        Assert.True(run.ExitCode == ExitCodes.Cancelled, run.ToString());
        var summary = JsonNode.Parse(run.Output)!;
        var created = summary["created"]!.GetValue<int>();
        var unknown = summary["unknown"]!.GetValue<int>();
        var notSent = summary["notSent"]!.GetValue<int>();
        Assert.Equal("cancelled", summary["stopReason"]!.GetValue<string>());
        Assert.False(summary["complete"]!.GetValue<bool>());
        Assert.Equal(2000, created + unknown + notSent);
        Assert.True(notSent >= 1400, run.ToString());
        // The third call was committed; whether its answer was read before the cancellation reached it varies.
        Assert.Equal(600, (await LeadNamesAsync(org)).Count);
        Assert.Equal(600, created + unknown);
        var remaining = summary["remainingFile"]!.GetValue<string>();
        Assert.Equal(notSent + 1, (await File.ReadAllLinesAsync(remaining)).Length);

        var again = await org.RunAsync("import", "Lead", remaining);

        Assert.True(again.ExitCode == ExitCodes.Success, again.ToString());
        var names = await LeadNamesAsync(org);
        Assert.Equal(2000, names.Count);
        Assert.Equal(2000, names.Distinct(StringComparer.Ordinal).Count());
    }

    /// <summary>
    /// Real sockets to the emulator, except that the Nth collections create is processed (and committed) and then its
    /// answer is lost: the connection drops or a 500 comes back. With <see cref="Lose.Nothing"/> it instead cancels the
    /// run once that call has been answered, as Ctrl+C would between two calls.
    /// </summary>
    public sealed class LostAnswerHandler(LostAnswerHandler.Lose lose, int onCall, CancellationTokenSource? cancel = null) : DelegatingHandler(new SocketsHttpHandler())
    {
        private int _calls;

        public enum Lose
        {
            Nothing,
            DropConnection,
            ServerError,
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (request.Method != HttpMethod.Post || request.RequestUri?.AbsolutePath.EndsWith("/composite/sobjects", StringComparison.Ordinal) != true
                || Interlocked.Increment(ref _calls) != onCall)
            {
                return response;
            }

            await response.Content.LoadIntoBufferAsync(cancellationToken);
            switch (lose)
            {
                case Lose.DropConnection:
                    response.Dispose();
                    throw new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely.");
                case Lose.ServerError:
                    response.Dispose();
                    return new HttpResponseMessage(HttpStatusCode.InternalServerError)
                    {
                        RequestMessage = request,
                        Content = new StringContent("""[{"message":"An unexpected error occurred.","errorCode":"UNKNOWN_EXCEPTION"}]""", Encoding.UTF8, "application/json"),
                    };
                default:
                    await cancel!.CancelAsync();
                    return response;
            }
        }
    }
}
