using System.Diagnostics;
using System.Globalization;
using Forcelink;
using Forcelink.Authentication;
using Forcelink.Bulk;
using Forcelink.Models;
using Forcelink.Records;
using Forcelink.Soql;

// bulk N [P]    : upsert N Leads by Ext_Id__c (P0, P1, ...; P defaults to "fl-") through collections of 200, streaming.
// stream SOQL [ahead]: read every record of a query page by page without keeping them (ahead: QueryOptions.ReadAhead).
// bulk2 N [P]   : upsert N Leads by Ext_Id__c through Bulk API 2.0 (records streamed onto the upload), then read every
//                 row's outcome as it streams back; "failed" counts rows that did not succeed.
// bulkquery SOQL: run a Bulk API 2.0 query job and read its records page by page without keeping them.
// Prints one JSON line: {"count","failed","ms","peakRssBytes","logins"}. Configuration: the FORCELINK_* variables.
var mode = args.Length > 0 ? args[0] : "";
var variable = (string name) => Environment.GetEnvironmentVariable(name) ?? throw new InvalidOperationException($"{name} is not set.");
using var key = await RsaSigningKey.LoadAsync(variable("FORCELINK_PRIVATE_KEY_FILE"));
using var client = new SalesforceClient(
    new JwtBearerCredential(new JwtBearerCredentialOptions { LoginUrl = new Uri(variable("FORCELINK_LOGIN_URL")), ConsumerKey = variable("FORCELINK_CONSUMER_KEY"), Username = variable("FORCELINK_USERNAME") }, key),
    new SalesforceClientOptions { ApiVersion = Environment.GetEnvironmentVariable("FORCELINK_API_VERSION") ?? "62.0" });

var stopwatch = Stopwatch.StartNew();
long count = 0;
long failed = 0;
switch (mode)
{
    case "bulk":
        var total = int.Parse(args[1], CultureInfo.InvariantCulture);
        var prefix = args.Length > 2 ? args[2] : "fl-";
        await foreach (var result in client.UpsertManyAsync(Leads(total, prefix), "Ext_Id__c"))
        {
            count++;
            failed += result.IsSuccess ? 0 : 1;
        }

        break;
    case "stream":
        await foreach (var _ in client.QueryAsync(SoqlQuery.Raw(args[1]), new QueryOptions { ReadAhead = args.Length > 2 && args[2] == "ahead" }))
        {
            count++;
        }

        break;
    case "bulk2":
        var rows = int.Parse(args[1], CultureInfo.InvariantCulture);
        var ingest = await client.Bulk.IngestAsync(BulkIngestRequest.Upsert("Lead", "Ext_Id__c"), Leads(rows, args.Length > 2 ? args[2] : "fl-"));
        await foreach (var row in client.Bulk.GetResultsAsync(ingest))
        {
            count++;
            failed += row.Kind == BulkResultKind.Successful ? 0 : 1;
        }

        break;
    case "bulkquery":
        await foreach (var _ in client.Bulk.QueryAsync(SoqlQuery.Raw(args[1])))
        {
            count++;
        }

        break;
    default:
        await Console.Error.WriteLineAsync("usage: Forcelink.BenchClient bulk N [PREFIX] | stream SOQL | bulk2 N [PREFIX] | bulkquery SOQL");
        return 2;
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{{\"count\":{count},\"failed\":{failed},\"ms\":{stopwatch.Elapsed.TotalMilliseconds:F1},\"peakRssBytes\":{PeakRss()},\"logins\":{client.LoginCount}}}"));
return failed == 0 ? 0 : 1;

static async IAsyncEnumerable<SObject> Leads(int total, string prefix)
{
    for (var i = 0; i < total; i++)
    {
        var lead = new Lead { LastName = $"Bulk {i}", Company = "Forcelink" };
        lead.Set("Ext_Id__c", $"{prefix}{i}");
        yield return lead;
    }

    await Task.CompletedTask;
}

// VmHWM: the process's peak resident memory, as Lambda's "Max Memory Used" reports it.
static long PeakRss()
{
    foreach (var line in File.ReadLines("/proc/self/status"))
    {
        if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
        {
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
    }

    return 0;
}
