using System.IO.Compression;
using System.Text.Json;

namespace Forcelink.IntegrationTests.Lambda;

/// <summary>
/// Publishes the managed (dotnet10) package with <c>deploy/build.sh --managed</c> and runs it as Lambda's managed runtime
/// would (<c>dotnet Forcelink.Lambda.dll</c>): the ReadyToRun code compiled across modules and the multicore JIT profile
/// recorded by the build's training run are what ships, so they are what is tested.
/// </summary>
[Collection(LambdaProcessState.Name)]
public sealed class ManagedBuildTests(ManagedBuild build) : IClassFixture<ManagedBuild>
{
    [AotFact]
    public async Task ManagedPackage_ShipsItsJitProfile_AndAnswersACreateAndAnSqsBatch()
    {
        var publish = await build.GetPublishFolderAsync();
        Assert.True(new FileInfo(Path.Combine(publish, "forcelink.jitprofile")).Length > 1_000, "the training run should leave a JIT profile in the package");
        await using (var zip = await ZipFile.OpenReadAsync(Path.Combine(publish, "..", "function.zip")))
        {
            Assert.Contains(zip.Entries, e => e.FullName == "forcelink.jitprofile");
            Assert.Contains(zip.Entries, e => e.FullName == "Forcelink.Lambda.dll");
        }

        await using var emulator = await Emulator.EmulatorFixture.StartAsync();
        await using var extension = await FakeParametersSecretsExtension.StartAsync("managed-session-token");
        extension.Secrets["forcelink/jwt-key"] = Emulator.EmulatorFixture.Key.ExportPkcs8PrivateKeyPem();
        string[] events =
        [
            "{\"operation\":\"create\",\"object\":\"Lead\",\"fields\":{\"LastName\":\"Managed\",\"Company\":\"Build\"}}",
            """{"Records":[{"messageId":"m1","receiptHandle":"r1","body":"{\"operation\":\"create\",\"object\":\"Lead\",\"fields\":{\"LastName\":\"Queued\",\"Company\":\"Build\"}}","attributes":{"ApproximateReceiveCount":"1"},"eventSource":"aws:sqs","eventSourceARN":"arn:aws:sqs:eu-west-1:123456789012:forcelink","awsRegion":"eu-west-1"}]}""",
        ];

        // One fresh process per event, as two cold starts: each plays the profile from the start.
        var answers = new List<string>();
        foreach (var e in events)
        {
            await using var api = await FakeRuntimeApi.StartAsync();
            api.ResponseCheck = (sent, body) => Forcelink.Tests.Lambda.EventContract.ProblemAnswering(sent, System.Text.Encoding.UTF8.GetBytes(body));
            var requestId = api.Enqueue(e, TimeProvider.System.GetUtcNow());
            var environment = BootstrapProcessTests.SecretKeyEnvironment(api, emulator);
            environment["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = "512";
            environment["AWS_SESSION_TOKEN"] = "managed-session-token";
            environment["PARAMETERS_SECRETS_EXTENSION_HTTP_PORT"] = extension.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

            var (exitCode, stdout, stderr) = await BootstrapProcessTests.RunAsync(Path.Combine(publish, "Forcelink.Lambda.dll"), environment, launcher: ["dotnet"]);

            Assert.True(exitCode == 0, $"dotnet Forcelink.Lambda.dll exited with {exitCode}\n{stdout}\n{stderr}");
            var post = await api.NextPostAsync();
            Assert.Equal((PostKind.Response, requestId), (post.Kind, post.RequestId));
            answers.Add(post.Body);
        }

        using (var created = JsonDocument.Parse(answers[0]))
        {
            Assert.Equal(201, created.RootElement.GetProperty("statusCode").GetInt32());
            Assert.StartsWith("00Q", created.RootElement.GetProperty("id").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal("""{"batchItemFailures":[]}""", answers[1]);
        Assert.Equal(2, emulator.Host.LoginCount(Emulator.EmulatorFixture.Username));
    }
}

/// <summary>Runs <c>deploy/build.sh --managed</c> once for the test class, on first use, into artifacts/lambda-managed-test.</summary>
public sealed class ManagedBuild
{
    private readonly Lazy<Task<string>> _publish = new(async () =>
    {
        var output = Path.Combine(RepositoryPaths.Root, "artifacts", "lambda-managed-test");
        await BootstrapBuild.RunBuildAsync(["--managed"], output);
        return Path.Combine(output, "publish");
    });

    public Task<string> GetPublishFolderAsync() => _publish.Value.WaitAsync(BootstrapBuild.BuildTimeout);
}
