using System.Text.Json.Nodes;
using Forcelink.Cli;

namespace Forcelink.IntegrationTests.Cli;

/// <summary><c>forcelink file upload|list|download</c> against the emulator.</summary>
public sealed class FileCommandTests
{
    [Fact]
    public async Task UploadListDownload_OnACase_RoundTripsTheBytes()
    {
        await using var org = await CliOrg.StartAsync();
        var caseId = (string)JsonNode.Parse((await org.RunAsync("case", "create", "--field", "Subject=Printer on fire", "--json")).Output)!["id"]!;
        var bytes = new byte[70_000];
        new Random(7).NextBytes(bytes);
        Directory.CreateDirectory(org.Session.PathOf("camera"));
        await File.WriteAllBytesAsync(org.Session.PathOf("camera/photo.jpg"), bytes);

        var upload = await org.RunAsync("file", "upload", "camera/photo.jpg", "--record", caseId, "--json");
        var list = await org.RunAsync("file", "list", "--record", caseId);
        var file = JsonNode.Parse(upload.Output)!;
        var download = await org.RunAsync("file", "download", (string)file["contentVersionId"]!, "--out", "copy.jpg");
        var byName = await org.RunAsync("file", "download", (string)file["contentDocumentId"]!);
        var again = await org.RunAsync("file", "download", (string)file["contentDocumentId"]!);

        Assert.True(upload.ExitCode == ExitCodes.Success, upload.ToString());
        Assert.Equal(("photo", "jpg", "JPG", 70_000), ((string?)file["title"], (string?)file["fileExtension"], (string?)file["fileType"], (int?)file["contentSize"]));
        Assert.True(list.ExitCode == ExitCodes.Success, list.ToString());
        Assert.Contains((string)file["contentDocumentId"]!, list.Output, StringComparison.Ordinal);
        Assert.EndsWith("1 file.", list.Output.TrimEnd(), StringComparison.Ordinal);
        Assert.True(download.ExitCode == ExitCodes.Success, download.ToString());
        Assert.Equal(bytes, await File.ReadAllBytesAsync(org.Session.PathOf("copy.jpg")));
        Assert.True(byName.ExitCode == ExitCodes.Success, byName.ToString());
        Assert.Equal(bytes, await File.ReadAllBytesAsync(org.Session.PathOf("photo.jpg")));
        Assert.Equal(ExitCodes.Failure, again.ExitCode);
        Assert.Contains("add --force", again.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(org.Session.PathOf("photo.jpg.partial")));
    }

    [Fact]
    public async Task Upload_MissingFileOrBadRecord_IsRefusedBeforeSending()
    {
        await using var org = await CliOrg.StartAsync();
        await File.WriteAllTextAsync(org.Session.PathOf("a.txt"), "x");

        var missing = await org.RunAsync("file", "upload", "nope.txt", "--record", "5005g00000AbCdEAAV");
        var badId = await org.RunAsync("file", "upload", "a.txt", "--record", "not-an-id");
        var noRecord = await org.RunAsync("file", "upload", "a.txt");

        Assert.Equal(ExitCodes.NotFound, missing.ExitCode);
        Assert.Equal(ExitCodes.Usage, badId.ExitCode);
        Assert.Equal(ExitCodes.Usage, noRecord.ExitCode);
        Assert.DoesNotContain(org.Host.Org.RequestLog, e => e.Path.Contains("ContentVersion", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Download_UnknownFile_ExitsNotFoundAndLeavesNoFile()
    {
        await using var org = await CliOrg.StartAsync();

        var run = await org.RunAsync("file", "download", "068000000000001AAA", "--out", "x.bin");

        Assert.Equal(ExitCodes.NotFound, run.ExitCode);
        Assert.False(File.Exists(org.Session.PathOf("x.bin")));
        Assert.False(File.Exists(org.Session.PathOf("x.bin.partial")));
    }
}
