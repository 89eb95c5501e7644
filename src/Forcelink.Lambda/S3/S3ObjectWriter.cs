using Amazon.S3;
using Amazon.S3.Model;

namespace Forcelink.Lambda.S3;

/// <summary>
/// Writes an object of unknown length in bounded memory: bytes gather in one 5 MiB part; a full part starts (or
/// continues) a multipart upload, and <see cref="CompleteAsync"/> finishes it, or puts a smaller object in one call.
/// Disposed without completing, it aborts the upload, so no half-written object appears.
/// </summary>
internal sealed class S3ObjectWriter(IAmazonS3 s3, string bucket, string key, string contentType) : IAsyncDisposable
{
    /// <summary>S3's smallest part but the last: the least memory for the most parts (10,000 of them, 48 GiB).</summary>
    public const int PartSize = 5 * 1024 * 1024;

    private readonly List<PartETag> _parts = [];

    // Grows to a part as bytes come: of a load's three results files, one that gets few rows never holds 5 MiB.
    private byte[]? _buffer;
    private int _length;
    private string? _uploadId;
    private bool _completed;
    private bool _closed;

    public string Key => key;

    /// <summary>Bytes written so far.</summary>
    public long Length { get; private set; }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        Length += bytes.Length;
        while (bytes.Length > 0)
        {
            if (_buffer is null || (_buffer.Length < PartSize && _length + bytes.Length > _buffer.Length))
            {
                var grown = new byte[Math.Min(PartSize, Math.Max(64 * 1024, Math.Max(2 * (_buffer?.Length ?? 0), _length + bytes.Length)))];
                _buffer?.AsSpan(0, _length).CopyTo(grown);
                _buffer = grown;
            }

            var take = Math.Min(bytes.Length, PartSize - _length);
            bytes[..take].CopyTo(_buffer.AsMemory(_length));
            _length += take;
            bytes = bytes[take..];
            if (_length == PartSize)
            {
                await UploadPartAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async Task CompleteAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        if (_uploadId is null)
        {
            using var body = new MemoryStream(_buffer ?? [], 0, _length, writable: false);
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = body, ContentType = contentType, UseChunkEncoding = false }, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            if (_length > 0)
            {
                await UploadPartAsync(cancellationToken).ConfigureAwait(false);
            }

            await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = _uploadId, PartETags = _parts }, cancellationToken).ConfigureAwait(false);
        }

        _completed = true;
        _closed = true;
        _buffer = null;
    }

    public async ValueTask DisposeAsync()
    {
        _closed = true;
        _buffer = null;
        if (_uploadId is not null && !_completed)
        {
            try
            {
                await s3.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = _uploadId }, CancellationToken.None).ConfigureAwait(false);
            }
            catch (AmazonS3Exception)
            {
                // The bucket's lifecycle rule for incomplete uploads removes what is left (deploy/template.yaml).
            }
        }
    }

    private async Task UploadPartAsync(CancellationToken cancellationToken)
    {
        _uploadId ??= (await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = key, ContentType = contentType }, cancellationToken).ConfigureAwait(false)).UploadId;
        var number = _parts.Count + 1;
        using var body = new MemoryStream(_buffer!, 0, _length, writable: false);
        var response = await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = key, UploadId = _uploadId, PartNumber = number, InputStream = body, PartSize = _length, UseChunkEncoding = false }, cancellationToken).ConfigureAwait(false);
        _parts.Add(new PartETag(number, response.ETag));
        _length = 0;
    }
}
