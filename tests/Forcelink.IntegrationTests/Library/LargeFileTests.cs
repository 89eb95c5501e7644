using System.Security.Cryptography;
using Forcelink.Records;
using Forcelink.Models;
using Xunit.Abstractions;

namespace Forcelink.IntegrationTests.Library;

/// <summary>
/// A file far larger than any buffer goes up and comes back in constant memory: the bytes are generated as they are read
/// and hashed as they arrive, so what the process allocates (client and emulator together) measures the buffering of the
/// path. Alone in its collection, since the allocation count is process-wide.
/// </summary>
[Collection(ProcessMemory.Name)]
public sealed class LargeFileTests(ITestOutputHelper output)
{
    private const long Size = 128L * 1024 * 1024;

    [Fact]
    public async Task UploadThenDownload_128MegabyteFile_AllocatesAFractionOfItsSize()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var client = fixture.Client;
        var caseId = await client.CreateAsync(new Case { Subject = "Large attachment" });
        // Warm the pipeline (login, connection, JIT) so the measurement holds only the transfer.
        await using (var small = new PatternStream(1024))
        {
            await client.DownloadFileAsync((await client.UploadFileAsync(new FileUpload("warm.bin", small))).ContentVersionId, Stream.Null);
        }

        var before = GC.GetTotalAllocatedBytes(precise: true);
        await using var source = new PatternStream(Size);
        var file = await client.UploadFileAsync(new FileUpload("large.bin", source) { RecordId = caseId });
        await using var hashed = new HashingStream();
        var downloaded = await client.DownloadFileAsync(file.ContentVersionId, hashed);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        output.WriteLine($"{Size:N0} bytes up and down: {allocated:N0} bytes allocated by client and emulator together");
        Assert.Equal(Size, file.ContentSize);
        Assert.Equal(Size, downloaded);
        Assert.Equal(source.Md5, file.Checksum);
        Assert.Equal(source.Md5, hashed.Md5);
        Assert.True(allocated < Size / 8, $"uploading and downloading {Size:N0} bytes allocated {allocated:N0} bytes");
    }

    /// <summary>Deterministic bytes produced on demand, hashed as they are handed out; cannot seek, like a network source.</summary>
    private sealed class PatternStream(long length) : Stream
    {
        private readonly IncrementalHash _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        private long _position;

        public string Md5 { get; private set; } = "";

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = (int)Math.Min(buffer.Length, length - _position);
            for (var i = 0; i < n; i++)
            {
                buffer[i] = (byte)((_position + i) * 31 % 251);
            }

            _md5.AppendData(buffer[..n]);
            _position += n;
            if (n == 0 && Md5.Length == 0)
            {
                Md5 = Convert.ToHexStringLower(_md5.GetHashAndReset());
            }

            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer, offset, count));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            _md5.Dispose();
            base.Dispose(disposing);
        }
    }

    /// <summary>Keeps only the MD5 of what is written to it.</summary>
    private sealed class HashingStream : Stream
    {
        private readonly IncrementalHash _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);

        public string Md5 => Convert.ToHexStringLower(_md5.GetCurrentHash());

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => _md5.AppendData(buffer, offset, count);

        public override void Write(ReadOnlySpan<byte> buffer) => _md5.AppendData(buffer);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _md5.AppendData(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            _md5.Dispose();
            base.Dispose(disposing);
        }
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessMemory
{
    public const string Name = "Process memory";
}
