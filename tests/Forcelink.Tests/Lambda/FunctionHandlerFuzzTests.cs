using System.Diagnostics;
using System.Net;
using System.Text;
using Forcelink.Lambda;
using Forcelink.Lambda.Runtime;
using Forcelink.Tests.TestDoubles;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;
using Forcelink.Aws.Metrics;

namespace Forcelink.Tests.Lambda;

/// <summary>
/// Valid direct, HTTP API and SQS events, mutated at random with a fixed seed, through the function handler: every one
/// must get an answer in its event's shape, and none an exception.
/// </summary>
public sealed class FunctionHandlerFuzzTests(ITestOutputHelper output)
{
    private const int Seed = 20261207;
    private const int Events = 5_000;

    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task HandleAsync_FiveThousandMutatedEvents_EachAnsweredInItsEventsShape()
    {
        var random = new Random(Seed);
        var (sut, _) = CreateSut();
        var failures = new List<string>();
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();

        for (var i = 0; i < Events; i++)
        {
            var json = EventFuzzer.Generate(random);
            try
            {
                var answer = await sut.HandleAsync(json, Context()).WaitAsync(TimeSpan.FromSeconds(30));
                if ((EventFuzzer.ShapeProblem(json, answer.Span, salesforceRefusesAll: true) ?? EventContract.ProblemAnswering(json, answer.Span)) is { } problem)
                {
                    failures.Add($"#{i}: {problem}\n  event: {EventFuzzer.Show(json)}\n  answer: {Encoding.UTF8.GetString(answer.Span)}");
                }
                else
                {
                    var outcome = EventFuzzer.Outcome(json, answer.Span);
                    outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
                }
            }
#pragma warning disable CA1031 // Any exception is what the test looks for.
            catch (Exception e)
#pragma warning restore CA1031
            {
                failures.Add($"#{i}: {e.GetType().Name}: {e.Message}\n  event: {EventFuzzer.Show(json)}\n  {e.StackTrace}");
            }
        }

        output.WriteLine($"{Events} events in {clock.Elapsed.TotalSeconds:F1} s: {string.Join(", ", outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key} {o.Value}"))}");
        Assert.True(failures.Count == 0, $"{failures.Count} of {Events} events were not answered in their shape:\n{string.Join("\n", failures.Take(10))}");

        // The mutations reach every path: events refused as malformed and events that got through to Salesforce, of
        // each kind, and SQS batches failed whole.
        Assert.All(["direct INVALID_REQUEST", "direct INVALID_FIELD", "http INVALID_REQUEST", "http INVALID_FIELD", "sqs named", "sqs whole"],
            outcome => Assert.True(outcomes.GetValueOrDefault(outcome) >= 50, $"only {outcomes.GetValueOrDefault(outcome)} events answered '{outcome}'"));
    }

    private static InvocationContext Context() => new("req-fuzz", Now.AddSeconds(10), null, null, new FakeTimeProvider(Now));

    // Salesforce refuses every call, as it would a record with a bad value: any operation that gets through fails.
    internal static (FunctionHandler Sut, StubHttpHandler Transport) CreateSut()
    {
        var time = new FakeTimeProvider(Now);
        var metrics = new EmbeddedMetrics(TextWriter.Null, time);
        var transport = new StubHttpHandler();
        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Post, HttpMethod.Patch, HttpMethod.Delete })
        {
            transport.On(method, "/", _ => StubHttpHandler.Json(HttpStatusCode.BadRequest, """[{"message":"Refused by the test.","errorCode":"INVALID_FIELD","fields":[]}]"""));
        }

        var client = new SalesforceClient(new FakeCredential(time), new SalesforceClientOptions { TimeProvider = time, Transport = transport, ApiVersion = "62.0" });
        var operations = new Forcelink.Aws.Fleet.IdempotentOperationHandler(
            new Forcelink.Operations.OperationHandler(client), null, "forcelink", TimeSpan.FromHours(1), time, NullLogger.Instance);
        return (new FunctionHandler(operations, metrics, time, NullLogger<FunctionHandler>.Instance), transport);
    }
}
