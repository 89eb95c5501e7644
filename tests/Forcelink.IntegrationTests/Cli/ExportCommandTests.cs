using System.Text;
using System.Text.Json;
using Forcelink.Cli;
using Forcelink.Emulator.Hosting;
using Forcelink.Emulator.Org;

namespace Forcelink.IntegrationTests.Cli;

/// <summary><c>forcelink export</c>: <c>--out -</c> is stdout, every page written once and in order while the next one is
/// read ahead, and a cancelled or failed run leaves nothing that blocks the next one.</summary>
public sealed class ExportCommandTests
{
    [Fact]
    public async Task Export_OutDash_WritesTheCsvToStandardOutput()
    {
        await using var org = await CliOrg.StartAsync();
        await org.RunAsync("lead", "create", "--field", "LastName=O'Brien", "--field", "Company=Acme, Inc.");

        var run = await org.RunAsync("export", "SELECT LastName, Company FROM Lead", "--out", "-");

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Equal("LastName,Company\r\nO'Brien,\"Acme, Inc.\"\r\n", run.Output);
        Assert.Contains("Exported 1 record.", run.Error);
        Assert.False(File.Exists(org.Session.PathOf("-")));
    }

    [Fact]
    public async Task Export_CancelledDuringTheQuery_LeavesNoFile_AndTheSameCommandRunsAgain()
    {
        await using var org = await CliOrg.StartAsync();
        await org.RunAsync("lead", "create", "--field", "LastName=Doe", "--field", "Company=Acme");
        using var cancellation = new CancellationTokenSource();
        using var transport = new CancelOnQuery(cancellation);
        org.Session.Transport = transport;

        var cancelled = await org.Session.RunAsync(new StringWriter(), cancellation.Token, "export", "SELECT LastName, Company FROM Lead", "--out", "leads.csv");
        org.Session.Transport = null;
        var again = await org.RunAsync("export", "SELECT LastName, Company FROM Lead", "--out", "leads.csv");

        Assert.True(cancelled.ExitCode == ExitCodes.Cancelled, cancelled.ToString());
        Assert.True(transport.Cancelled);
        Assert.True(again.ExitCode == ExitCodes.Success, again.ToString());
        Assert.Equal("LastName,Company\r\nDoe,Acme\r\n", await File.ReadAllTextAsync(org.Session.PathOf("leads.csv")));
        Assert.Equal(["leads.csv"], Directory.GetFiles(org.Session.Directory, "leads*").Select(Path.GetFileName));
    }

    [Fact]
    public async Task Export_ExistingFile_IsRefusedWithTheFix_AndForceReplacesIt()
    {
        await using var org = await CliOrg.StartAsync();
        await File.WriteAllTextAsync(org.Session.PathOf("leads.csv"), "old");

        var refused = await org.RunAsync("export", "SELECT LastName FROM Lead", "--out", "leads.csv");
        var forced = await org.RunAsync("export", "SELECT LastName FROM Lead", "--out", "leads.csv", "--force");

        Assert.Equal(ExitCodes.Failure, refused.ExitCode);
        Assert.Contains("already exists: choose another --out, or add --force to replace it.", refused.Error);
        Assert.True(forced.ExitCode == ExitCodes.Success, forced.ToString());
        Assert.Equal("LastName\r\n", await File.ReadAllTextAsync(org.Session.PathOf("leads.csv")));
    }

    [Fact]
    public async Task Export_ThreePages_WritesEveryRecordOnceAndInOrder_AskingForEachPageOnce()
    {
        await using var org = await CliOrg.StartAsync(SeedLeads(4100));
        using var transport = new QueryRecorder();
        org.Session.Transport = transport;

        var run = await org.RunAsync("export", "SELECT LastName, Company FROM Lead ORDER BY LastName", "--out", "leads.csv");

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Contains("Exported 4,100 records", run.Output);
        var expected = Enumerable.Range(0, 4100).Select(i => $"Doe{i:D4},Acme").Prepend("LastName,Company");
        Assert.Equal(expected, await File.ReadAllLinesAsync(org.Session.PathOf("leads.csv")));
        // Pages of 2,000: the query, then /query/<locator>-2000 and -4000, each asked for once.
        Assert.Equal(["query", "query/-2000", "query/-4000"], transport.Pages);
    }

    [Fact]
    public async Task Export_ReadsAhead_TheNextPageIsAnsweredBeforeTheCurrentPageIsWritten()
    {
        await using var org = await CliOrg.StartAsync(SeedLeads(2100));
        var secondPageAnswered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // The first page's last record (line 2,001 after the header) is held until the second page has arrived: a run
        // that asked for it only after writing the first page would never get past this line.
        var output = new GatedWriter(line: 2001, secondPageAnswered.Task);
        using var transport = new NextPageWatcher(output, secondPageAnswered);
        org.Session.Transport = transport;

        var run = await org.Session.RunAsync(output, CancellationToken.None, "export", "SELECT LastName, Company FROM Lead ORDER BY LastName", "--out", "-");

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString()[..Math.Min(2000, run.ToString().Length)]);
        Assert.True(transport.LinesWrittenWhenAsked < 2001, $"{transport.LinesWrittenWhenAsked} lines were written when the second page was asked for");
        var expected = Enumerable.Range(0, 2100).Select(i => $"Doe{i:D4},Acme").Prepend("LastName,Company");
        Assert.Equal(expected, run.Output.Split("\r\n")[..^1]);
        Assert.Equal(1, transport.NextPages);
    }

    [Fact]
    public async Task Export_WriterFailsWhileTheNextPageIsInFlight_CancelsThatRequest()
    {
        await using var org = await CliOrg.StartAsync(SeedLeads(2100));
        var secondPageAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var transport = new HoldNextPage(secondPageAsked);
        org.Session.Transport = transport;

        // The disk fills up on the first record, once the read-ahead request is out and held by the transport.
        var output = new GatedWriter(line: 2, secondPageAsked.Task, new IOException("No space left on device"));
        var run = await org.Session.RunAsync(output, CancellationToken.None, "export", "SELECT LastName, Company FROM Lead", "--out", "-");

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Contains("No space left on device", run.Error);
        Assert.True(transport.NextPageCancelled, "the request for the page read ahead was left running");
    }

    [Fact]
    public async Task Export_NextPageFails_LeavesNoFile_AndTheSameCommandRunsAgain()
    {
        await using var org = await CliOrg.StartAsync(SeedLeads(4100));

        // The third page's request fails with Salesforce's 500 (not retried), after two pages were written to the file.
        using var transport = new FailPageAfter(org.Host.Org, pagesAnswered: 1);
        org.Session.Transport = transport;
        var failed = await org.RunAsync("export", "SELECT LastName, Company FROM Lead ORDER BY LastName", "--out", "leads.csv");
        org.Session.Transport = null;
        var again = await org.RunAsync("export", "SELECT LastName, Company FROM Lead ORDER BY LastName", "--out", "leads.csv");

        Assert.True(failed.ExitCode == ExitCodes.Failure, failed.ToString());
        Assert.Contains("UNKNOWN_EXCEPTION", failed.Error);
        Assert.True(transport.Failed);
        Assert.True(again.ExitCode == ExitCodes.Success, again.ToString());
        Assert.Equal(4101, (await File.ReadAllLinesAsync(org.Session.PathOf("leads.csv"))).Length);
        Assert.Equal(["leads.csv"], Directory.GetFiles(org.Session.Directory, "leads*").Select(Path.GetFileName));
    }

    [Fact]
    public async Task Export_CancelledWhileTheNextPageIsInFlight_LeavesNoFile()
    {
        await using var org = await CliOrg.StartAsync(SeedLeads(2100));
        using var cancellation = new CancellationTokenSource();
        var secondPageAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var transport = new HoldNextPage(secondPageAsked);
        org.Session.Transport = transport;

        // Ctrl+C once the read-ahead request is out: the first page may be partly written to the temporary file.
        var run = org.Session.RunAsync(new StringWriter(), cancellation.Token, "export", "SELECT LastName, Company FROM Lead", "--out", "leads.csv");
        await secondPageAsked.Task.WaitAsync(TimeSpan.FromSeconds(90));
        await cancellation.CancelAsync();
        var cancelled = await run;

        Assert.True(cancelled.ExitCode == ExitCodes.Cancelled, cancelled.ToString());
        Assert.True(transport.NextPageCancelled);
        Assert.Empty(Directory.GetFiles(org.Session.Directory, "leads*"));
    }

    /// <summary>The real network, but Ctrl+C arrives as the query is sent: after the header, before any record.</summary>
    private sealed class CancelOnQuery(CancellationTokenSource cancellation) : DelegatingHandler(new SocketsHttpHandler())
    {
        public bool Cancelled { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri!.AbsolutePath.EndsWith("/query", StringComparison.Ordinal))
            {
                Cancelled = true;
                await cancellation.CancelAsync();
                cancellationToken.ThrowIfCancellationRequested();
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }

    private static Action<EmulatorOptions, string> SeedLeads(int count) => (options, _) =>
        options.Org.Records["Lead"] = [.. Enumerable.Range(0, count).Select(i => JsonDocument.Parse($$"""{"LastName":"Doe{{i:D4}}","Company":"Acme"}""").RootElement.Clone())];

    private static bool IsNextPage(HttpRequestMessage request) =>
        request.RequestUri!.AbsolutePath.Contains("/query/", StringComparison.Ordinal);

    /// <summary>Standard output that counts the CSV lines written, and holds one line until <paramref name="gate"/> completes
    /// (then fails it with <paramref name="failure"/>, when given), so a test waits for an event instead of sleeping.</summary>
    private sealed class GatedWriter(int line, Task gate, Exception? failure = null) : StringWriter
    {
        private int _lines;

        public int Lines => Volatile.Read(ref _lines);

        public override async Task WriteAsync(StringBuilder? value, CancellationToken cancellationToken = default)
        {
            if (Lines + 1 == line)
            {
                await gate.WaitAsync(cancellationToken);
                if (failure is not null)
                {
                    throw failure;
                }
            }

            await base.WriteAsync(value, cancellationToken);
            Interlocked.Increment(ref _lines);
        }
    }

    /// <summary>The real network, noting each query page asked for: <c>query</c>, then <c>query/-offset</c> for the next ones.</summary>
    private sealed class QueryRecorder() : DelegatingHandler(new SocketsHttpHandler())
    {
        private readonly List<string> _pages = [];

        public IReadOnlyList<string> Pages
        {
            get
            {
                lock (_pages)
                {
                    return [.. _pages];
                }
            }
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.AbsolutePath;
            if (path.EndsWith("/query", StringComparison.Ordinal) || IsNextPage(request))
            {
                lock (_pages)
                {
                    _pages.Add(IsNextPage(request) ? "query/" + path[path.LastIndexOf('-')..] : "query");
                }
            }

            return base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>The real network, noting how many lines had been written when the next page was asked for, and telling
    /// when it was answered.</summary>
    private sealed class NextPageWatcher(GatedWriter output, TaskCompletionSource answered) : DelegatingHandler(new SocketsHttpHandler())
    {
        private int _nextPages;

        public int LinesWrittenWhenAsked { get; private set; } = -1;

        public int NextPages => Volatile.Read(ref _nextPages);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (!IsNextPage(request))
            {
                return await base.SendAsync(request, cancellationToken);
            }

            if (Interlocked.Increment(ref _nextPages) == 1)
            {
                LinesWrittenWhenAsked = output.Lines;
            }

            var response = await base.SendAsync(request, cancellationToken);
            answered.TrySetResult();
            return response;
        }
    }

    /// <summary>The real network, except that the next page's request is held, unanswered, until it is cancelled.</summary>
    private sealed class HoldNextPage(TaskCompletionSource asked) : DelegatingHandler(new SocketsHttpHandler())
    {
        public bool NextPageCancelled { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (!IsNextPage(request))
            {
                return await base.SendAsync(request, cancellationToken);
            }

            asked.TrySetResult();
            try
            {
                await new TaskCompletionSource().Task.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                NextPageCancelled = true;
                throw;
            }

            throw new InvalidOperationException("a task that never completes completed");
        }
    }

    /// <summary>The real network; once <paramref name="pagesAnswered"/> next pages have been answered, the emulator fails
    /// the following one with Salesforce's 500 UNKNOWN_EXCEPTION, which is not retried.</summary>
    private sealed class FailPageAfter(EmulatedOrg org, int pagesAnswered) : DelegatingHandler(new SocketsHttpHandler())
    {
        private int _answered;

        public bool Failed { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (!IsNextPage(request))
            {
                return response;
            }

            Failed |= response.StatusCode == System.Net.HttpStatusCode.InternalServerError;
            if (Interlocked.Increment(ref _answered) == pagesAnswered)
            {
                var path = request.RequestUri!.AbsolutePath;
                org.AddFault(new FaultRule { PathPrefix = path[..(path.IndexOf("/query/", StringComparison.Ordinal) + 7)], Kind = FaultKind.CommitThenServerError, Count = 1 });
            }

            return response;
        }
    }
}
