using System.Diagnostics;
using System.Net;
using System.Text;
using Forcelink.Authentication;
using Forcelink.Lambda;
using Forcelink.Lambda.Runtime;
using Forcelink.Operations;
using Microsoft.Extensions.Logging.Abstractions;
using Forcelink.Aws.Metrics;

namespace Forcelink.Bench;

/// <summary>
/// `Forcelink.Bench alloc [N]`: bytes allocated and CPU time per warm <c>get</c> at each layer of the path, with a stub
/// transport that answers from memory, so the figures are the library's own (no sockets, no emulator). Each layer
/// includes the ones above it: the stub alone, <c>SalesforceClient.GetAsync</c>, <c>OperationHandler</c>, and the
/// Lambda's <c>FunctionHandler</c> from the event's bytes to the answer's.
/// </summary>
internal static class WarmAllocations
{
    private const string Id = "00Q5e00000AbCdEEAV";

    private static readonly byte[] Record = Encoding.UTF8.GetBytes(
        $$"""{"attributes":{"type":"Lead","url":"/services/data/v62.0/sobjects/Lead/{{Id}}"},"Id":"{{Id}}","LastName":"Warm","Company":"Bench","Status":"Open - Not Contacted"}""");

    public static async Task RunAsync(int iterations, string? only = null)
    {
        using var transport = new StubTransport();
        var token = new AccessToken("00Dbench!token", new Uri("https://bench.my.salesforce.com"), DateTimeOffset.UnixEpoch);
        using var client = new SalesforceClient(new AccessTokenCredential(token), new SalesforceClientOptions { ApiVersion = "62.0", Transport = transport });
        var metrics = new EmbeddedMetrics(TextWriter.Null, TimeProvider.System);
        var operations = new OperationHandler(client);
        var idempotent = new Aws.Fleet.IdempotentOperationHandler(operations, null, "forcelink-bench", TimeSpan.FromHours(1), TimeProvider.System, NullLogger.Instance);
        var handler = new FunctionHandler(idempotent, metrics, TimeProvider.System, NullLogger<FunctionHandler>.Instance);
        var getEvent = Encoding.UTF8.GetBytes($$"""{"operation":"get","object":"Lead","id":"{{Id}}","fields":["Id","LastName","Company","Status"]}""");
        using var bare = new HttpClient(transport, disposeHandler: false);
        var url = new Uri($"https://bench.my.salesforce.com/services/data/v62.0/sobjects/Lead/{Id}?fields=Id,LastName,Company,Status");
        string[] fields = ["Id", "LastName", "Company", "Status"];

        var layers = new (string Name, Func<Task> Call)[]
        {
            ("stub HttpClient GET", async () =>
            {
                using var response = await bare.GetAsync(url).ConfigureAwait(false);
                await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
            }),
            ("SalesforceClient.GetAsync", async () => await client.GetAsync("Lead", Id, fields).ConfigureAwait(false)),
            ("OperationHandler.HandleAsync (bytes)", async () => await operations.HandleAsync(getEvent).ConfigureAwait(false)),
            ("FunctionHandler.HandleAsync", async () =>
            {
                var context = new InvocationContext("warm", TimeProvider.System.GetUtcNow().AddMinutes(1), null, null, TimeProvider.System);
                await handler.HandleAsync(getEvent, context).ConfigureAwait(false);
            }),
        };

        foreach (var (name, call) in layers.Where(layer => only is null || layer.Name.StartsWith(only, StringComparison.OrdinalIgnoreCase)))
        {
            for (var i = 0; i < 3_000; i++)
            {
                await call().ConfigureAwait(false);
            }

            var bytes = GC.GetTotalAllocatedBytes(precise: true);
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            for (var i = 0; i < iterations; i++)
            {
                await call().ConfigureAwait(false);
            }

            var allocated = (GC.GetTotalAllocatedBytes(precise: true) - bytes) / (double)iterations;
            var cpuUs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / iterations;
            Console.WriteLine($"{name,-40} {allocated,10:N0} B/call {cpuUs,8:N1} µs CPU/call");
        }
    }

    private sealed class StubTransport : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
            {
                RequestMessage = request,
                Content = new ByteArrayContent(Record) { Headers = { ContentType = new("application/json") { CharSet = "UTF-8" } } },
            });
    }
}
