using System.Net;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;

namespace Forcelink.Lambda.S3;

/// <summary>
/// The S3 calls of a load through AWSSDK.S3: a file read as a stream (never whole), small JSON objects read and written
/// whole, results written through <see cref="S3ObjectWriter"/> a part at a time.
/// </summary>
internal sealed class S3ObjectStore(IAmazonS3 s3)
{
    /// <summary>A client for the function: region and credentials from the execution role's environment, few retries, and
    /// checksums only where S3 requires them (each one is a pass over a 5 MiB part that TLS already protects).</summary>
    /// <param name="getVariable">Reads <c>AWS_ENDPOINT_URL_S3</c> (else <c>AWS_ENDPOINT_URL</c>): an S3-compatible server or a
    /// VPC endpoint, addressed path-style, as the AWS CLI's variables of the same names do.</param>
    public static AmazonS3Client CreateClient(Func<string, string?> getVariable)
    {
        ArgumentNullException.ThrowIfNull(getVariable);
        var config = Configure(new AmazonS3Config());
        if ((getVariable("AWS_ENDPOINT_URL_S3") ?? getVariable("AWS_ENDPOINT_URL")) is { Length: > 0 } endpoint)
        {
            config.ServiceURL = endpoint;
            config.ForcePathStyle = true;
            if (getVariable("AWS_REGION") is { Length: > 0 } region)
            {
                config.AuthenticationRegion = region;
            }
        }

        return new AmazonS3Client(config);
    }

    public static AmazonS3Config Configure(AmazonS3Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.MaxErrorRetry = 3;
        config.Timeout = TimeSpan.FromSeconds(30);
        config.RequestChecksumCalculation = Amazon.Runtime.RequestChecksumCalculation.WHEN_REQUIRED;
        config.ResponseChecksumValidation = Amazon.Runtime.ResponseChecksumValidation.WHEN_REQUIRED;
        return config;
    }

    /// <summary>The object's bytes as S3 sends them; <paramref name="etag"/> makes S3 refuse (412) a version replaced since.</summary>
    public async Task<Stream> OpenReadAsync(string bucket, string key, string? etag, CancellationToken cancellationToken = default)
    {
        var request = new GetObjectRequest { BucketName = bucket, Key = key };
        if (etag is not null)
        {
            request.EtagToMatch = $"\"{etag}\"";
        }

        var response = await s3.GetObjectAsync(request, cancellationToken).ConfigureAwait(false);
        return response.ResponseStream;
    }

    /// <summary>The object's size and ETag, or <see langword="null"/> when there is none.</summary>
    public async Task<(long Size, string ETag)?> HeadAsync(string bucket, string key, CancellationToken cancellationToken = default)
    {
        try
        {
            var response = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = key }, cancellationToken).ConfigureAwait(false);
            return (response.ContentLength, response.ETag.Trim('"'));
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>A small object's text, or <see langword="null"/> when there is none.</summary>
    public async Task<string?> ReadTextAsync(string bucket, string key, CancellationToken cancellationToken = default)
    {
        try
        {
            using var response = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key }, cancellationToken).ConfigureAwait(false);
            using var reader = new StreamReader(response.ResponseStream, Encoding.UTF8);
            return await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task WriteTextAsync(string bucket, string key, string text, string contentType, CancellationToken cancellationToken = default)
    {
        using var body = new MemoryStream(Encoding.UTF8.GetBytes(text));
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = body, ContentType = contentType, UseChunkEncoding = false }, cancellationToken).ConfigureAwait(false);
    }

    public S3ObjectWriter OpenWrite(string bucket, string key, string contentType) => new(s3, bucket, key, contentType);
}
