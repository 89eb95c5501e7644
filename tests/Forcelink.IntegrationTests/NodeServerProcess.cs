using System.Diagnostics;

namespace Forcelink.Testing;

/// <summary>
/// A server from npm run by node for the tests and benches (dynalite, s3rver): <c>node serve.js</c> in its folder under
/// <c>tests/</c> listens on 127.0.0.1 on a port the OS picks, prints <c>port N</c>, and exits when this process closes its
/// stdin, so it never outlives the tests. Installed by <c>tests/prerequisites.sh</c>.
/// </summary>
internal sealed class NodeServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private NodeServerProcess(Process process, Uri serviceUrl)
    {
        _process = process;
        ServiceUrl = serviceUrl;
    }

    public Uri ServiceUrl { get; }

    /// <param name="folder">The folder under <c>tests/</c> holding <c>serve.js</c> and its <c>package.json</c>.</param>
    /// <param name="package">The npm package it serves, to say what is missing.</param>
    /// <param name="cancellationToken">Stops waiting for the server.</param>
    public static async Task<NodeServerProcess> StartAsync(string folder, string package, CancellationToken cancellationToken = default)
    {
        var directory = Path.Combine(Forcelink.Tests.RepositoryRoot.Path, "tests", folder);
        if (!Directory.Exists(Path.Combine(directory, "node_modules", package)))
        {
            throw new InvalidOperationException($"{package} is not installed in {directory}: run tests/prerequisites.sh (or tests/npm-install.sh tests/{folder}).");
        }

        var start = new ProcessStartInfo("node", "serve.js")
        {
            WorkingDirectory = directory,
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
                throw new InvalidOperationException($"{package} did not start: {line} {error}");
            }

            return new NodeServerProcess(process, new Uri($"http://127.0.0.1:{line[5..].Trim()}"));
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

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
