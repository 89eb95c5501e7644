using System.Text.Json;
using Forcelink;
using Forcelink.Authentication;
using Forcelink.Bulk;
using Forcelink.Operations;
using Forcelink.Records;
using Forcelink.Models;
using Forcelink.Soql;

// Usage: Forcelink.AotSmoke <login url> <consumer key> <username> <key file>
// Without arguments it only exercises what needs no network, so publishing alone proves trim safety.
if (args.Length < 4)
{
    using var key = RsaSigningKey.Generate();
    var credential = new JwtBearerCredential(new JwtBearerCredentialOptions { ConsumerKey = "key", Username = "u@example.com" }, key);
    var assertion = credential.CreateAssertion();
    var lead = JsonSerializer.Deserialize("""{"attributes":{"type":"Lead"},"Id":"00Q000000000001AAA","LastName":"Doe","Custom__c":1}""", RecordJsonContext.Default.Lead);
    var query = new SoqlQuery($"SELECT Id FROM Lead WHERE Email = {"a'b"} AND NumberOfEmployees IN {Sizes}");
    Operation? operation = null;
    if (OperationRequest.TryParse("""{"operation":"find","object":"Lead","where":{"Email":"a"}}"""u8, out var request, out _))
    {
        request.TryValidate(OperationPolicy.Default, out operation, out _);
    }
    Console.WriteLine($"assertion {assertion.Length} chars; {lead}; {query.Text.Length} chars; {operation?.Kind}; {JsonSerializer.Serialize(lead!, RecordJsonContext.Default.Lead)}");
    return 0;
}

using var signingKey = await RsaSigningKey.LoadAsync(args[3]);
using var client = new SalesforceClient(
    new JwtBearerCredential(new JwtBearerCredentialOptions { LoginUrl = new Uri(args[0]), ConsumerKey = args[1], Username = args[2] }, signingKey));
var handler = new OperationHandler(client);
var created = await handler.HandleAsync("""{"operation":"create","object":"Lead","fields":{"LastName":"Aot","Company":"Smoke"}}"""u8.ToArray());
Console.WriteLine(created);
await foreach (var found in client.QueryAsync<Lead>($"SELECT Id, LastName FROM Lead WHERE LastName = {"Aot"}", new QueryOptions { BatchSize = 200 }))
{
    Console.WriteLine(found.Id);
}

var results = await client.CreateManyAsync([new Lead { LastName = "A", Company = "B" }]);
Console.WriteLine(results[0].IsSuccess);
var ingest = await client.Bulk.IngestAsync(BulkIngestRequest.Insert<Lead>(), new[] { new Lead { LastName = "Bulk", Company = "Aot" } }.ToAsyncEnumerable());
await foreach (var row in client.Bulk.GetResultsAsync(ingest))
{
    Console.WriteLine(row);
}

await foreach (var found in client.Bulk.QueryAsync<Lead>($"SELECT Id FROM Lead WHERE LastName = {"Bulk"}"))
{
    Console.WriteLine(found.Id);
}

return created.IsSuccess ? 0 : 1;

internal static partial class Program
{
    private static readonly int[] Sizes = [1, 2];
}
