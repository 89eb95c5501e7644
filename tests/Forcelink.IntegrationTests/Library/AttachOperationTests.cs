using System.Text;
using Forcelink.Operations;
using Forcelink.Records;

namespace Forcelink.IntegrationTests.Library;

/// <summary>The function's <c>attach</c> operation: a file in the event, uploaded as a ContentVersion and linked to the record.</summary>
public sealed class AttachOperationTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Attach_FileToCase_UploadsItLinkedToTheCase()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var sut = new OperationHandler(fixture.Client);
        var caseId = await fixture.Client.CreateAsync(new Case { Subject = "Cannot log in" }).WaitAsync(Timeout);
        var bytes = Encoding.UTF8.GetBytes("screenshot bytes \u00e9\n");

        var result = await sut.HandleAsync(Event(caseId, "screenshot.png", Convert.ToBase64String(bytes), title: "Login error")).WaitAsync(Timeout);

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(201, result.StatusCode);
        Assert.StartsWith("069", result.Id, StringComparison.Ordinal);
        Assert.Equal(caseId, (string?)result.Record!["linkedEntityId"]);
        Assert.Equal(bytes.Length, (long?)result.Record["contentSize"]);
        var file = Assert.Single(await fixture.Client.ListFilesAsync(caseId).ToListAsync().AsTask().WaitAsync(Timeout));
        Assert.Equal(result.Id, file.ContentDocumentId);
        Assert.Equal("Login error", file.Title);
        using var downloaded = new MemoryStream();
        await fixture.Client.DownloadFileAsync(file.ContentVersionId, downloaded).WaitAsync(Timeout);
        Assert.Equal(bytes, downloaded.ToArray());
    }

    [Fact]
    public async Task Attach_FileOverTheLimit_AnsweredWithTheWayToUploadItAndNothingSent()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var sut = new OperationHandler(fixture.Client);
        var before = fixture.Emulator.Host.Org.ApiUsed;

        var result = await sut.HandleAsync(Event("500000000000001AAA", "big.bin", Convert.ToBase64String(new byte[OperationRequest.MaxAttachmentBytes + 1]))).WaitAsync(Timeout);

        Assert.Equal(400, result.StatusCode);
        Assert.Contains($"holds {OperationRequest.MaxAttachmentBytes + 1:N0} bytes", result.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("forcelink file upload", result.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(before, fixture.Emulator.Host.Org.ApiUsed);
    }

    [Theory]
    [InlineData("""{"operation":"attach","object":"Case","id":"500000000000001AAA"}""", "'file' is required")]
    [InlineData("""{"operation":"attach","object":"Case","id":"500000000000001AAA","file":{"name":"a.txt","content":"not base64!"}}""", "'file.content' is not base64")]
    [InlineData("""{"operation":"attach","object":"Case","id":"500000000000001AAA","file":{"name":"a.txt","content":"aGk=\naGk="}}""", "'file.content' is not base64")]
    [InlineData("""{"operation":"attach","object":"Case","id":"500000000000001AAA","file":{"name":"../etc/passwd","content":"aGk="}}""", "without a directory")]
    [InlineData("""{"operation":"attach","object":"Case","id":"500000000000001AAA","file":{"name":"a.txt","content":""}}""", "'file.content' is empty")]
    [InlineData("""{"operation":"attach","object":"Case","id":"nope","file":{"content":"aGk="}}""", "'file.name' must be a non-empty string")]
    public async Task Attach_BadRequest_Is400NamingTheProblem(string json, string expected)
    {
        await using var fixture = await ClientFixture.StartAsync();
        var sut = new OperationHandler(fixture.Client);

        var result = await sut.HandleAsync(Encoding.UTF8.GetBytes(json)).WaitAsync(Timeout);

        Assert.Equal(400, result.StatusCode);
        Assert.Contains(expected, result.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(0, fixture.Emulator.Host.Org.ApiUsed);
    }

    [Fact]
    public async Task Attach_PolicyWithoutAttach_Refused403()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var sut = new OperationHandler(fixture.Client, OperationPolicy.Parse("""{"Case":{"operations":["create","get"],"fields":["Subject"]}}"""));

        var result = await sut.HandleAsync(Event("500000000000001AAA", "a.txt", "aGk=")).WaitAsync(Timeout);

        Assert.Equal(403, result.StatusCode);
        Assert.Contains("'attach' is not allowed on Case", result.ErrorMessage, StringComparison.Ordinal);
    }

    private static byte[] Event(string id, string name, string content, string? title = null) =>
        Encoding.UTF8.GetBytes(new System.Text.Json.Nodes.JsonObject
        {
            ["operation"] = "attach",
            ["object"] = "Case",
            ["id"] = id,
            ["file"] = new System.Text.Json.Nodes.JsonObject { ["name"] = name, ["content"] = content, ["title"] = title },
        }.ToJsonString());
}
