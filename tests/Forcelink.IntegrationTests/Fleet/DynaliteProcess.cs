using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Forcelink.Testing;

namespace Forcelink.Fleet.Testing;

/// <summary>
/// A real DynamoDB implementation for tests and the fleet simulation: dynalite (npm, in memory) run by node from
/// <c>tests/dynamodb</c> on 127.0.0.1 and a port the OS picks. It exits when this process closes its stdin, so it never
/// outlives the tests. Install it with <c>tests/prerequisites.sh</c> (<c>npm ci</c> in <c>tests/dynamodb</c>).
/// </summary>
internal sealed class DynaliteProcess : IAsyncDisposable
{
    private readonly NodeServerProcess _server;

    private DynaliteProcess(NodeServerProcess server) => _server = server;

    public Uri ServiceUrl => _server.ServiceUrl;

    public static async Task<DynaliteProcess> StartAsync(CancellationToken cancellationToken = default) =>
        new(await NodeServerProcess.StartAsync("dynamodb", "dynalite", cancellationToken));

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

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
