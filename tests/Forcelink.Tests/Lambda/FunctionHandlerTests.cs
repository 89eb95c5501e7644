using System.Text;
using Forcelink.Lambda;
using Forcelink.Lambda.Observability;
using Forcelink.Lambda.Runtime;
using Forcelink.Tests.TestDoubles;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Forcelink.Tests.Lambda;

public sealed class FunctionHandlerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task HandleAsync_BeforeOperationLayer_Answers501AndRecordsLogins()
    {
        var time = new FakeTimeProvider(Now);
        using var output = new StringWriter();
        var invocation = new CurrentInvocation();
        var metrics = new EmbeddedMetrics(output, time, invocation);
        using var client = new SalesforceClient(new FakeCredential(time), new SalesforceClientOptions { TimeProvider = time });
        var sut = new FunctionHandler(client, metrics, NullLogger<FunctionHandler>.Instance);

        var response = await sut.HandleAsync("{}"u8.ToArray(), new InvocationContext("req-9", Now.AddSeconds(10), null, null, time))
            .WaitAsync(TimeSpan.FromSeconds(30));
        metrics.Flush();

        Assert.Equal(
            "{\"ok\":false,\"statusCode\":501,\"errors\":[\"This Forcelink function does not handle events yet: the operation layer is not integrated in this build.\"],\"requestId\":\"req-9\"}",
            Encoding.UTF8.GetString(response.Span));
        Assert.Contains("\"Logins\":0", output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:9001", "http://127.0.0.1:9001/2018-06-01/")]
    [InlineData("localhost:5050/MyFunction", "http://localhost:5050/MyFunction/2018-06-01/")]
    [InlineData(" 127.0.0.1:9001/ ", "http://127.0.0.1:9001/2018-06-01/")]
    public void RuntimeApiClient_RuntimeApiVariable_BecomesBaseAddress(string runtimeApi, string expected)
    {
        using var http = new HttpClient();

        var sut = new RuntimeApiClient(http, runtimeApi, TimeProvider.System);

        Assert.Equal(new Uri(expected), sut.BaseAddress);
    }

    [Fact]
    public void InvocationContext_RemainingTime_FollowsTheClockAndStopsAtZero()
    {
        var time = new FakeTimeProvider(Now);
        var sut = new InvocationContext("req", Now.AddSeconds(2), null, null, time);

        var before = sut.RemainingTime;
        time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal((TimeSpan.FromSeconds(2), TimeSpan.Zero), (before, sut.RemainingTime));
    }
}
