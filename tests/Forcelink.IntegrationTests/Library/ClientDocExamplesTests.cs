using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Forcelink.Records;
using Forcelink.Models;
using Forcelink.Soql;

namespace Forcelink.IntegrationTests.Library;

/// <summary>
/// The C# examples of docs/client.md's sections on composite graphs, files, changes since a time, the org's objects and
/// raw calls, run against the emulator. Each example is copied here line for line (between a test's setup and its
/// assertions), and <see cref="EveryExampleOfTheseSections_IsRunHere"/> fails when the docs and this file part.
/// </summary>
public sealed partial class ClientDocExamplesTests
{
    private static readonly string[] Sections = ["Composite graph", "Files on records", "Changes since a time", "The org's objects", "Any REST resource or Apex REST service"];

    [Fact]
    public async Task EveryExampleOfTheseSections_IsRunHere()
    {
        var doc = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "docs", "client.md"));
        var source = Lines(await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "tests", "Forcelink.IntegrationTests", "Library", "ClientDocExamplesTests.cs")));
        var checkedBlocks = 0;
        foreach (var section in Sections)
        {
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
        }

        Assert.Equal(Sections.Length, checkedBlocks);
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

    private static List<string> Lines(string text) =>
        [.. text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0)];

    [GeneratedRegex("```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}
