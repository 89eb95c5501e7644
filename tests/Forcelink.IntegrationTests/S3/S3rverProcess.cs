using System.Diagnostics;
using Amazon.Runtime;
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
    private readonly Process _process;

    private S3rverProcess(Process process, Uri serviceUrl)
    {
        _process = process;
        ServiceUrl = serviceUrl;
    }

    public Uri ServiceUrl { get; }

    public static async Task<S3rverProcess> StartAsync(CancellationToken cancellationToken = default)
    {
        var folder = Path.Combine(RepositoryPaths.Root, "tests", "s3");
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "s3rver")))
        {
            throw new InvalidOperationException($"s3rver is not installed in {folder}: run tests/prerequisites.sh (or tests/npm-install.sh tests/s3).");
        }

        var start = new ProcessStartInfo("node", "serve.js")
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("node could not be started: install Node.js 20 or later.");
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
            if (line is null || !line.StartsWith("port ", StringComparison.Ordinal))
            {
                var error = await process.StandardError.ReadToEndAsync(timeout.Token);
                throw new InvalidOperationException($"s3rver did not start: {line} {error}");
            }

            return new S3rverProcess(process, new Uri($"http://127.0.0.1:{line[5..].Trim()}"));
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    /// <summary>A client for this S3 as the function makes its own (<see cref="S3ObjectStore.Configure"/>), with
    /// s3rver's fixed credentials and path-style addresses.</summary>
    public AmazonS3Client CreateClient() =>
        new(new BasicAWSCredentials("S3RVER", "S3RVER"), S3ObjectStore.Configure(new AmazonS3Config
        {
            ServiceURL = ServiceUrl.AbsoluteUri,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
        }));

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
        finally
        {
            _process.Dispose();
        }
    }
}
