using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Forcelink.Records;
using Forcelink.Models;
using Forcelink.Soql;

namespace Forcelink.IntegrationTests.Library;

/// <summary>
/// The C# examples of docs/client.md's sections on queries, composite graphs, files, changes since a time, the org's
/// objects and raw calls, run against the emulator. Each example is copied here line for line (between a test's setup and its
/// assertions), and <see cref="EveryExampleOfTheseSections_IsRunHere"/> fails when the docs and this file part.
/// </summary>
public sealed partial class ClientDocExamplesTests
{
    /// <summary>The sections checked, each with the number of C# examples it has.</summary>
    private static readonly Dictionary<string, int> Sections = new(StringComparer.Ordinal)
    {
        ["Queries: bound by construction"] = 3,
        ["Composite graph"] = 1,
        ["Files on records"] = 1,
        ["Changes since a time"] = 1,
        ["The org's objects"] = 1,
        ["Any REST resource or Apex REST service"] = 1,
    };

    [Fact]
    public async Task EveryExampleOfTheseSections_IsRunHere()
    {
        var doc = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "docs", "client.md"));
        var source = Lines(await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "tests", "Forcelink.IntegrationTests", "Library", "ClientDocExamplesTests.cs")));
        foreach (var (section, examples) in Sections)
        {
            var checkedBlocks = 0;
            var start = doc.IndexOf($"\n## {section}\n", StringComparison.Ordinal);
            Assert.True(start >= 0, $"docs/client.md has no section '{section}'");
            var end = doc.IndexOf("\n## ", start + 4, StringComparison.Ordinal);
            foreach (Match block in CSharpBlock().Matches(doc[start..(end < 0 ? doc.Length : end)]))
            {
                var lines = Lines(block.Groups[1].Value);
                var found = Enumerable.Range(0, source.Count - lines.Count + 1).Any(i => source.Skip(i).Take(lines.Count).SequenceEqual(lines));
                Assert.True(found, $"This example of '{section}' in docs/client.md is not run by {nameof(ClientDocExamplesTests)}:\n{block.Groups[1].Value}");
                checkedBlocks++;
            }

            Assert.True(examples == checkedBlocks, $"'{section}' in docs/client.md has {checkedBlocks} C# examples, {nameof(ClientDocExamplesTests)} expects {examples}");
        }
    }

    [Fact]
    public async Task BoundQuery_AsDocumented()
    {
        // 2,001 leads match, two pages; as many do not, so that a query whose holes were lost would read three.
        using var requests = new QueryRequests();
        await using var fixture = await ClientFixture.StartAsync(
            options => options.Org.Records["Lead"] = [.. Enumerable.Range(0, 4002).Select(i => SeedLead(i, i % 2 == 0 ? "o'brien@example.com" : "doe@example.com"))],
            options => options.Transport = requests);
        var client = fixture.Client;
        string email = "o'brien@example.com";                                             // its quote must not end the literal
        DateTimeOffset since = fixture.Emulator.Time.GetUtcNow().AddDays(-1);

        await foreach (var l in client.QueryAsync<Lead>($"SELECT Id, Name FROM Lead WHERE Email = {email} AND CreatedDate > {since}"))
        {
            // pages of up to 2,000 follow nextRecordsUrl lazily: memory stays at one page whatever the total
        }

        Assert.Equal(["query 200", "query/-2000 200"], requests.Answered);
    }

    [Fact]
    public async Task CountQueryAllAndQueryOptions_AsDocumented()
    {
        using var requests = new QueryRequests();
        await using var fixture = await ClientFixture.StartAsync(
            options => options.Org.Records["Lead"] = [.. Enumerable.Range(0, 1200).Select(i => SeedLead(i, "doe@example.com", i < 1000 ? "Open - Not Contacted" : "Working - Contacted"))],
            options => options.Transport = requests);
        var client = fixture.Client;
        var gone = await client.CreateAsync(new Lead { LastName = "Gone", Company = "Acme", Status = "Open - Not Contacted" });
        await client.DeleteAsync<Lead>(gone);

        int open = await client.CountAsync($"SELECT COUNT() FROM Lead WHERE Status = {"Open - Not Contacted"}");
        await foreach (var deleted in client.QueryAllAsync<Lead>(new SoqlQuery($"SELECT Id FROM Lead WHERE IsDeleted = {true}"))) { }
        var paged = client.QueryAsync<Lead>(SoqlQuery.Raw("SELECT Id FROM Lead"), new QueryOptions { BatchSize = 500 }); // Sforce-Query-Options
        var export = client.QueryAsync<Lead>(SoqlQuery.Raw("SELECT Id, Email FROM Lead"), new QueryOptions { ReadAhead = true });

        Assert.Equal(1000, open);
        Assert.Equal(["query 200", "queryAll 200"], requests.Answered);
        Assert.Equal(1200, await paged.CountAsync());
        Assert.Equal(["query 200", "query/-500 200", "query/-1000 200"], requests.Answered[2..]);
        Assert.Equal(1200, await export.CountAsync(l => l.Email == "doe@example.com"));
        Assert.Equal(["query 200"], requests.Answered[5..]);
    }

    [Fact]
    public async Task ParentsAndChildren_AsDocumented()
    {
        using var requests = new QueryRequests();
        await using var fixture = await ClientFixture.StartAsync(configureClient: options => options.Transport = requests);
        var client = fixture.Client;
        var accountId = await client.CreateAsync(new SObject("Account") { ["Name"] = "Acme" });
        await client.CreateAsync(new SObject("Contact") { ["LastName"] = "Doe", ["AccountId"] = accountId });
        await client.CreateAsync(new Case { Subject = "Onboarding", AccountId = accountId });

        await foreach (var account in client.QueryAsync(SoqlQuery.Raw("SELECT Name, Owner.Name, (SELECT LastName FROM Contacts), (SELECT Subject FROM Cases) FROM Account")))
        {
            SObject? owner = account.GetRelated("Owner");                  // null when the account has none
            IReadOnlyList<SObject> contacts = account.GetChildren("Contacts"); // empty when Salesforce answered null
            IReadOnlyList<Case> cases = account.GetChildren<Case>("Cases");
            await foreach (var c in client.QueryChildrenAsync(account, "Contacts")) { } // also the rest when Salesforce split a long list (done:false)
        }

        // The Contacts came whole (done:true), so nothing more was asked for.
        Assert.Equal(["query 200"], requests.Answered);
    }

    [Fact]
    public async Task CompositeGraph_AsDocumented()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var client = fixture.Client;

        var graph = new CompositeGraph("customer42")
            .Create("Account", new SObject("Account") { ["Name"] = "Acme" })
            .Create("Contact", new SObject("Contact") { ["LastName"] = "Doe", ["AccountId"] = CompositeRequest.Reference("Account") })
            .Create("Case", new Case { Subject = "Onboarding", AccountId = CompositeRequest.Reference("Account"), ContactId = CompositeRequest.Reference("Contact") });
        CompositeGraphResult result = await client.SendCompositeGraphAsync(graph);   // one API call
        if (!result.IsSuccessful)
        {
            // Nothing of the graph was saved: the node that failed has its error, the others PROCESSING_HALTED.
            throw new InvalidOperationException(string.Join("; ", result.Errors));
        }

        string caseId = result["Case"]!.Id!;

        var saved = fixture.Emulator.Host.Org.Store.Get(caseId)!.Value.Fields;
        Assert.Equal(result["Contact"]!.Id, saved["ContactId"]);
        Assert.Equal(result["Account"]!.Id, saved["AccountId"]);
    }

    [Fact]
    public async Task FilesOnRecords_AsDocumented()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var client = fixture.Client;
        var caseId = await client.CreateAsync(new Case { Subject = "Contract" });
        var leadId = await client.CreateAsync(new Lead { LastName = "Doe", Company = "Acme" });
        var folder = Directory.CreateTempSubdirectory("forcelink-doc-files-");
        try
        {
            var contractPath = Path.Combine(folder.FullName, "contract.pdf");
            await File.WriteAllBytesAsync(contractPath, "%PDF-1.7 contract"u8.ToArray());
            var downloads = Directory.CreateDirectory(Path.Combine(folder.FullName, "downloads")).FullName;

            await using (var pdf = File.OpenRead(contractPath))
            {
                SalesforceFile file = await client.UploadFileAsync(new FileUpload("contract.pdf", pdf) { RecordId = caseId }); // attached to the Case
                await client.LinkFileAsync(file.ContentDocumentId, leadId);                     // the same file on a Lead too
            }

            await foreach (SalesforceFile f in client.ListFilesAsync(caseId))                 // one query of the Case's links
            {
                await using var target = File.Create(Path.Combine(downloads, $"{f.Title}.{f.FileExtension}"));
                await client.DownloadFileAsync(f.ContentVersionId, target);                     // streamed in constant memory
            }

            Assert.Equal(await File.ReadAllBytesAsync(contractPath), await File.ReadAllBytesAsync(Path.Combine(downloads, "contract.pdf")));
            Assert.Equal("contract", (await client.ListFilesAsync(leadId).SingleAsync()).Title);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task ChangesSinceATime_AsDocumented()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var client = fixture.Client;
        var timeProvider = fixture.Emulator.Time;
        var stale = await client.CreateAsync(new Lead { LastName = "Stale", Company = "Acme" });
        var copy = new Dictionary<string, Lead>(StringComparer.Ordinal) { [stale] = new Lead { Id = stale } };
        timeProvider.Advance(TimeSpan.FromMinutes(5));
        DateTimeOffset lastRun = timeProvider.GetUtcNow();
        var changed = await client.CreateAsync(new Lead { LastName = "Changed", Company = "Acme" });
        await client.DeleteAsync<Lead>(stale);
        timeProvider.Advance(TimeSpan.FromMinutes(2));

        DateTimeOffset since = lastRun;                                                   // the resume point kept between runs
        DateTimeOffset until = timeProvider.GetUtcNow();
        UpdatedRecords updated = await client.GetUpdatedAsync("Lead", since, until);
        foreach (string[] ids in updated.Ids.Chunk(200))
        {
            await foreach (Lead lead in client.QueryAsync<Lead>($"SELECT Id, LastName, Company, Email, Status FROM Lead WHERE Id IN {ids}"))
            {
                copy[lead.Id!] = lead;                                                    // upsert into the copy
            }
        }

        DeletedRecords deleted = await client.GetDeletedAsync("Lead", since, until);
        foreach (DeletedRecord gone in deleted.Records)
        {
            copy.Remove(gone.Id);
        }

        if (deleted.EarliestDateAvailable > since)
        {
            // Deletions older than the delete log were purged: keep only the ids that still exist.
            var live = new HashSet<string>();
            await foreach (Lead lead in client.QueryAsync<Lead>(SoqlQuery.Raw("SELECT Id FROM Lead")))
            {
                live.Add(lead.Id!);
            }

            foreach (string id in copy.Keys.Where(id => !live.Contains(id)).ToList())
            {
                copy.Remove(id);
            }
        }

        lastRun = updated.LatestDateCovered < deleted.LatestDateCovered ? updated.LatestDateCovered : deleted.LatestDateCovered;

        Assert.Equal([changed], copy.Keys);
        Assert.Equal("Changed", copy[changed].LastName);
        Assert.Equal(until, lastRun);
    }

    [Fact]
    public async Task TheOrgsObjects_AsDocumented()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var client = fixture.Client;
        var caseId = await client.CreateAsync(new Case { Subject = "Which object?" });

        GlobalDescription global = await client.DescribeGlobalAsync();                  // GET /sobjects once, then cached per client
        SObjectSummary? target = global.FindByKeyPrefix(caseId);                         // Case: which object an id belongs to
        bool mayCreateLeads = global.Find("Lead")?.Createable ?? false;                  // the user's capabilities on each object
        global = await client.DescribeGlobalAsync(refresh: true);                        // after an admin changed objects or permissions

        Assert.Equal("Case", target!.Name);
        Assert.True(mayCreateLeads);
        Assert.NotEmpty(global.Objects);
    }

    [Fact]
    public async Task AnyRestResource_AsDocumented()
    {
        await using var fixture = await ClientFixture.StartAsync(RawCallTests.AddApexServices);
        var client = fixture.Client;
        var csvPath = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(csvPath, "LastName,Company\nDoe,Acme\n");

            JsonNode? limits = await client.SendJsonAsync(HttpMethod.Get, "limits");          // below /services/data/v62.0/
            JsonNode? leads = await client.SendJsonAsync(HttpMethod.Get, "/services/data/v62.0/sobjects/Lead"); // or a full path
            JsonNode? intake = await client.SendApexAsync(HttpMethod.Post, "LeadIntake/web", new JsonObject { ["email"] = "doe@example.com" }); // /services/apexrest/LeadIntake/web

            await using var csv = File.OpenRead(csvPath);
            var request = RestRequest.Apex(HttpMethod.Put, "LeadIntake/import");
            request.Content = csv;                                                            // streamed, never held whole
            request.ContentType = "text/csv";
            request.Headers["Sforce-Call-Options"] = "client=intake";
            request.Idempotent = true;                                                        // this service is safe to repeat
            using RestResult result = await client.SendAsync(request);
            JsonNode? answer = await result.ReadJsonAsync();                                  // or ReadStreamAsync, ReadTextAsync

            Assert.NotNull(limits!["DailyApiRequests"]);
            Assert.Equal("Lead", (string?)leads!["objectDescribe"]!["name"]);
            Assert.Equal("doe@example.com", (string?)intake!["requestBody"]!["email"]);
            Assert.Equal(("PUT", "LastName,Company\nDoe,Acme\n"), ((string?)answer!["httpMethod"], (string?)answer["requestBody"]));
        }
        finally
        {
            File.Delete(csvPath);
        }
    }

    private static System.Text.Json.JsonElement SeedLead(int i, string email, string status = "Open - Not Contacted") =>
        System.Text.Json.JsonSerializer.SerializeToElement(new Dictionary<string, string>
        {
            ["LastName"] = $"Doe{i:D4}",
            ["Company"] = "Acme",
            ["Email"] = email,
            ["Status"] = status,
        });

    /// <summary>The real network, noting each query page answered: <c>query 200</c>, <c>queryAll 200</c>, then
    /// <c>query/-offset 200</c> for the pages that follow.</summary>
    private sealed class QueryRequests() : DelegatingHandler(new SocketsHttpHandler())
    {
        private readonly List<string> _answered = [];

        public List<string> Answered
        {
            get
            {
                lock (_answered)
                {
                    return [.. _answered];
                }
            }
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            var path = request.RequestUri!.AbsolutePath;
            var resource = path.EndsWith("/query", StringComparison.Ordinal) ? "query"
                : path.EndsWith("/queryAll", StringComparison.Ordinal) ? "queryAll"
                : path.Contains("/query/", StringComparison.Ordinal) ? "query/" + path[path.LastIndexOf('-')..]
                : null;
            if (resource is not null)
            {
                lock (_answered)
                {
                    _answered.Add($"{resource} {(int)response.StatusCode}");
                }
            }

            return response;
        }
    }

    private static List<string> Lines(string text) =>
        [.. text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0)];

    [GeneratedRegex("```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}
