using System.Security.Cryptography;
using System.Text;
using Forcelink.Records;
using Forcelink.Models;

namespace Forcelink.IntegrationTests.Library;

/// <summary>Files on records through the client against the emulator: upload, link, list, download, versions.</summary>
public sealed class FileTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task UploadFileAsync_ToACase_ListedAndDownloadedByteForByte()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var client = fixture.Client;
        var caseId = await client.CreateAsync(new Case { Subject = "Printer on fire" }).WaitAsync(Timeout);
        var bytes = Encoding.UTF8.GetBytes("Smoke seen at 09:14.\n");
        await using var content = new MemoryStream(bytes);

        var file = await client.UploadFileAsync(new FileUpload("incident-notes.txt", content) { RecordId = caseId, Description = "From the hotline" }).WaitAsync(Timeout);

        Assert.StartsWith("069", file.ContentDocumentId, StringComparison.Ordinal);
        Assert.StartsWith("068", file.ContentVersionId, StringComparison.Ordinal);
        Assert.Equal(("incident-notes", "txt", "TEXT", (long)bytes.Length), (file.Title, file.FileExtension, file.FileType, file.ContentSize));
#pragma warning disable CA5351 // ContentVersion.Checksum is Salesforce's MD5 of the bytes: compared, not relied on for security.
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(bytes)), file.Checksum);
#pragma warning restore CA5351
        var listed = Assert.Single(await client.ListFilesAsync(caseId).ToListAsync().AsTask().WaitAsync(Timeout));
        Assert.Equal(file with { Checksum = null }, listed);
        using var downloaded = new MemoryStream();
        Assert.Equal(bytes.Length, await client.DownloadFileAsync(file.ContentVersionId, downloaded).WaitAsync(Timeout));
        Assert.Equal(bytes, downloaded.ToArray());
    }

    [Fact]
    public async Task LinkFileAsync_OneFileOnALeadAndACase_ListedOnBothAndLinkedOnce()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var client = fixture.Client;
        var leadId = await client.CreateAsync(new Lead { LastName = "Doe", Company = "Acme" }).WaitAsync(Timeout);
        var caseId = await client.CreateAsync(new Case { Subject = "Contract" }).WaitAsync(Timeout);
        await using var content = new MemoryStream("%PDF-1.7"u8.ToArray());
        var file = await client.UploadFileAsync(new FileUpload("contract.pdf", content)).WaitAsync(Timeout);

        var leadLink = await client.LinkFileAsync(file.ContentDocumentId, leadId).WaitAsync(Timeout);
        await client.LinkFileAsync(file.ContentDocumentId, caseId, FileShareType.Collaborator).WaitAsync(Timeout);
        var twice = await Assert.ThrowsAsync<SalesforceException>(() => client.LinkFileAsync(file.ContentDocumentId, leadId).WaitAsync(Timeout));

        Assert.StartsWith("06A", leadLink, StringComparison.Ordinal);
        Assert.Equal("PDF", (await client.ListFilesAsync(leadId).SingleAsync().AsTask().WaitAsync(Timeout)).FileType);
        Assert.Equal(file.ContentDocumentId, (await client.ListFilesAsync(caseId).SingleAsync().AsTask().WaitAsync(Timeout)).ContentDocumentId);
        Assert.Equal("DUPLICATE_VALUE", twice.ErrorCode);
    }

    [Fact]
    public async Task UploadFileAsync_NewVersion_BecomesWhatTheDocumentDownloads()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var client = fixture.Client;
        var caseId = await client.CreateAsync(new Case { Subject = "Quote" }).WaitAsync(Timeout);
        await using var first = new MemoryStream("v1"u8.ToArray());
        var original = await client.UploadFileAsync(new FileUpload("quote.txt", first) { RecordId = caseId }).WaitAsync(Timeout);
        await using var second = new MemoryStream("version two"u8.ToArray());

        var revised = await client.UploadFileAsync(new FileUpload("quote.txt", second) { ContentDocumentId = original.ContentDocumentId, ReasonForChange = "Discount" }).WaitAsync(Timeout);

        Assert.Equal(original.ContentDocumentId, revised.ContentDocumentId);
        Assert.NotEqual(original.ContentVersionId, revised.ContentVersionId);
        var listed = await client.ListFilesAsync(caseId).SingleAsync().AsTask().WaitAsync(Timeout);
        Assert.Equal((revised.ContentVersionId, 11L), (listed.ContentVersionId, listed.ContentSize));
        await using var latest = await client.OpenFileAsync(original.ContentDocumentId).WaitAsync(Timeout);
        Assert.Equal("version two", await new StreamReader(latest).ReadToEndAsync());
        await using var old = await client.OpenFileAsync(original.ContentVersionId).WaitAsync(Timeout);
        Assert.Equal("v1", await new StreamReader(old).ReadToEndAsync());
    }

    [Fact]
    public async Task UploadFileAsync_DeletedRecord_IsRefusedAndStoresNothing()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var client = fixture.Client;
        var leadId = await client.CreateAsync(new Lead { LastName = "Gone", Company = "Acme" }).WaitAsync(Timeout);
        await client.DeleteAsync<Lead>(leadId).WaitAsync(Timeout);
        await using var content = new MemoryStream("x"u8.ToArray());

        var error = await Assert.ThrowsAsync<SalesforceException>(() => client.UploadFileAsync(new FileUpload("x.txt", content) { RecordId = leadId }).WaitAsync(Timeout));

        Assert.Equal("INVALID_CROSS_REFERENCE_KEY", error.ErrorCode);
        Assert.Equal(0, fixture.Emulator.Host.Org.Store.Count("ContentVersion", includeDeleted: true));
        Assert.Equal(0, fixture.Emulator.Host.Org.Store.Count("ContentDocument", includeDeleted: true));
    }

    [Fact]
    public async Task OpenFileAsync_UnknownVersion_IsNotFound()
    {
        await using var fixture = await ClientFixture.StartAsync();

        var error = await Assert.ThrowsAsync<SalesforceException>(() => fixture.Client.OpenFileAsync("068000000000001AAA").WaitAsync(Timeout));

        Assert.Equal(404, error.StatusCode);
    }

    [Fact]
    public async Task UploadFileAsync_LargerThanTwoGigabytes_IsRefusedBeforeSending()
    {
        await using var fixture = await ClientFixture.StartAsync();
        await using var huge = new SizedStream(FileUpload.MaxSize + 1);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => fixture.Client.UploadFileAsync(new FileUpload("huge.bin", huge)).WaitAsync(Timeout));

        Assert.Contains("2 GB", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Emulator.Host.Org.RequestLog, e => e.Path.EndsWith("/ContentVersion", StringComparison.Ordinal));
    }

    /// <summary>Claims a length without holding any bytes: only its size is ever looked at.</summary>
    private sealed class SizedStream(long length) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get; set; }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
