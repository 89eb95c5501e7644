using Amazon.Runtime;
using Forcelink.Testing;
using Amazon.S3;
using Forcelink.Lambda.S3;

namespace Forcelink.IntegrationTests.S3;

/// <summary>
/// A real S3 implementation for tests and bench/s3: s3rver (npm) over a temporary folder, run by node from
/// <c>tests/s3</c> on 127.0.0.1 and a port the OS picks. It exits, removing its folder, when this process closes its
/// stdin, so it never outlives the tests. Install it with <c>tests/prerequisites.sh</c> (<c>npm ci</c> in <c>tests/s3</c>).
/// </summary>
internal sealed class S3rverProcess : IAsyncDisposable
{
    private readonly NodeServerProcess _server;

    private S3rverProcess(NodeServerProcess server) => _server = server;

    public Uri ServiceUrl => _server.ServiceUrl;

    public static async Task<S3rverProcess> StartAsync(CancellationToken cancellationToken = default) =>
        new(await NodeServerProcess.StartAsync("s3", "s3rver", cancellationToken));

    /// <summary>A client for this S3 as the function makes its own (<see cref="S3ObjectStore.Configure"/>), with
    /// s3rver's fixed credentials and path-style addresses.</summary>
    public AmazonS3Client CreateClient() =>
        new(new BasicAWSCredentials("S3RVER", "S3RVER"), S3ObjectStore.Configure(new AmazonS3Config
        {
            ServiceURL = ServiceUrl.AbsoluteUri,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
        }));

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
