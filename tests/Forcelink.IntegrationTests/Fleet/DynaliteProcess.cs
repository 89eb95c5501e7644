using System.Diagnostics;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;

namespace Forcelink.Fleet.Testing;

/// <summary>
/// A real DynamoDB implementation for tests and the fleet simulation: dynalite (npm, in memory) run by node from
/// <c>tests/dynamodb</c> on 127.0.0.1 and a port the OS picks. It exits when this process closes its stdin, so it never
/// outlives the tests. Install it with <c>tests/prerequisites.sh</c> (<c>npm ci</c> in <c>tests/dynamodb</c>).
/// </summary>
internal sealed class DynaliteProcess : IAsyncDisposable
{
    private readonly Process _process;

    private DynaliteProcess(Process process, Uri serviceUrl)
    {
        _process = process;
        ServiceUrl = serviceUrl;
    }

    public Uri ServiceUrl { get; }

    public static async Task<DynaliteProcess> StartAsync(CancellationToken cancellationToken = default)
    {
        var folder = Path.Combine(FindRoot(), "tests", "dynamodb");
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "dynalite")))
        {
            throw new InvalidOperationException($"dynalite is not installed in {folder}: run tests/prerequisites.sh (or npm ci there).");
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
                throw new InvalidOperationException($"dynalite did not start: {line} {error}");
            }

            return new DynaliteProcess(process, new Uri($"http://127.0.0.1:{line[5..].Trim()}"));
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    /// <summary>A client for this DynamoDB: fake credentials, no retries (a failure should show at once).</summary>
    public AmazonDynamoDBClient CreateClient() => CreateClient(ServiceUrl);

    /// <summary>A client for any address, such as a closed port to act as DynamoDB being down.</summary>
    public static AmazonDynamoDBClient CreateClient(Uri serviceUrl) =>
        new(new BasicAWSCredentials("test", "test"), new AmazonDynamoDBConfig
        {
            ServiceURL = serviceUrl.AbsoluteUri,
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = 0,
            Timeout = TimeSpan.FromSeconds(10),
        });

    /// <summary>Creates a table with a string partition key and waits until it is active.</summary>
    public static async Task CreateTableAsync(IAmazonDynamoDB client, string name, string keyAttribute, CancellationToken cancellationToken = default)
    {
        await client.CreateTableAsync(new CreateTableRequest
        {
            TableName = name,
            BillingMode = BillingMode.PAY_PER_REQUEST,
            AttributeDefinitions = [new AttributeDefinition(keyAttribute, ScalarAttributeType.S)],
            KeySchema = [new KeySchemaElement(keyAttribute, KeyType.HASH)],
        }, cancellationToken);
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var described = await client.DescribeTableAsync(name, cancellationToken);
            if (described.Table.TableStatus == TableStatus.ACTIVE)
            {
                return;
            }

            await Task.Yield();
        }

        throw new InvalidOperationException($"Table {name} did not become active.");
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

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Forcelink.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"Forcelink.slnx was not found above {AppContext.BaseDirectory}.");
    }
}
