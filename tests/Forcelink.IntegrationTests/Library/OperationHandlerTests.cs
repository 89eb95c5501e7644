using Forcelink.Tests.TestDoubles;
using System.Text;
using Forcelink.Operations;

namespace Forcelink.IntegrationTests.Library;

public sealed class OperationHandlerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task HandleBatchAsync_MixedRequests_GroupsWritesPerObjectAndAnswersInOrder()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var sut = new OperationHandler(fixture.Client);
        var existing = await fixture.Client.CreateAsync(new Forcelink.Records.Lead { LastName = "Existing", Company = "Acme" }).WaitAsync(Timeout);
        var before = fixture.Emulator.Host.Org.ApiUsed;

        var results = await sut.HandleBatchAsync(Requests(existing), default).WaitAsync(Timeout);

        AssertAnswers(results);
        Assert.Equal(3, fixture.Emulator.Host.Org.ApiUsed - before);
    }

    [Fact]
    public async Task ExecuteBatchAsync_ValidatedOperations_SameCallsAndAnswersAsTheRequests()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var sut = new OperationHandler(fixture.Client);
        var existing = await fixture.Client.CreateAsync(new Forcelink.Records.Lead { LastName = "Existing", Company = "Acme" }).WaitAsync(Timeout);
        var operations = Requests(existing).Where((_, i) => i != 3).Select(r => r.Validate(sut.Policy).Operation!).ToList();
        var before = fixture.Emulator.Host.Org.ApiUsed;

        var results = await sut.ExecuteBatchAsync(operations).WaitAsync(Timeout);

        Assert.Equal([201, 201, 201, 200, 201, 201], results.Select(r => r.StatusCode));
        Assert.Equal(existing, results[3].Id);
        Assert.Equal(3, fixture.Emulator.Host.Org.ApiUsed - before);
    }

    [Fact]
    public async Task ExecuteBatchAsync_NullOperation_ThrowsBeforeAnyCall()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var sut = new OperationHandler(fixture.Client);
        var create = Requests("00Q000000000001AAA")[0].Validate(sut.Policy).Operation!;

        await Assert.ThrowsAsync<ArgumentException>(() => sut.ExecuteBatchAsync([create, null!, create]));

        Assert.Equal(0, fixture.Emulator.Host.Org.ApiUsed);
    }

    // Three Lead creates, a get, a malformed request, two Case creates.
    private static List<OperationRequest> Requests(string existingLead) =>
    [
        Parse("""{"operation":"create","object":"Lead","fields":{"LastName":"One","Company":"Acme"}}"""),
        Parse("""{"operation":"create","object":"Lead","fields":{"LastName":"Two","Company":"Acme"}}"""),
        Parse("""{"operation":"create","object":"Lead","fields":{"LastName":"Three","Company":"Acme"}}"""),
        Parse("""{"operation":"create","object":"Lead"}"""),
        Parse($$"""{"operation":"get","object":"Lead","id":"{{existingLead}}","fields":["Id","LastName"]}"""),
        Parse("""{"operation":"create","object":"Case","fields":{"Subject":"First"}}"""),
        Parse("""{"operation":"create","object":"Case","fields":{"Subject":"Second"}}"""),
    ];

    private static OperationRequest Parse(string json) => OperationRequest.Parse(Encoding.UTF8.GetBytes(json)).Request!;

    private static void AssertAnswers(IReadOnlyList<OperationResult> results)
    {
        Assert.Equal([201, 201, 201, 400, 200, 201, 201], results.Select(r => r.StatusCode));
        Assert.Contains("'fields' is required", results[3].ErrorMessage, StringComparison.Ordinal);
        Assert.Equal("Existing", results[4].Record!["LastName"]!.GetValue<string>());
        Assert.All(results.Where(r => r.StatusCode == 201), r => Assert.StartsWith(r == results[5] || r == results[6] ? "500" : "00Q", r.Id, StringComparison.Ordinal));
    }
}
