using System.Diagnostics;
using System.Text.Json;

namespace Forcelink.IntegrationTests.Lambda;

/// <summary>
/// Publishes the Native AOT <c>bootstrap</c> with <c>deploy/build.sh</c> and runs it as a process against the fake Runtime API
/// and the fake Parameters and Secrets extension: the same binary that ships, with trimming and AOT applied.
/// Takes a few minutes; set FORCELINK_SKIP_AOT_TESTS=1 to skip locally. CI always runs it.
/// </summary>
[Collection(LambdaProcessState.Name)]
public sealed class BootstrapProcessTests(BootstrapBuild build) : IClassFixture<BootstrapBuild>
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(60);

    [AotFact]
    public async Task Bootstrap_OneEvent_InitializesFromSecretLogsInAndCreatesALead()
    {
        var bootstrap = await build.GetBootstrapAsync();
        await using var api = await FakeRuntimeApi.StartAsync();
        api.ResponseCheck = (e, body) => Forcelink.Tests.Lambda.EventContract.ProblemAnswering(e, System.Text.Encoding.UTF8.GetBytes(body));
        await using var extension = await FakeParametersSecretsExtension.StartAsync("process-session-token");
        await using var emulator = await Emulator.EmulatorFixture.StartAsync();
        extension.Secrets["forcelink/jwt-key"] = Emulator.EmulatorFixture.Key.ExportPkcs8PrivateKeyPem();

        var requestId = api.Enqueue("{\"operation\":\"create\",\"object\":\"Lead\",\"fields\":{\"LastName\":\"Process\",\"Company\":\"Bootstrap\"}}", TimeProvider.System.GetUtcNow());

        var environment = SecretKeyEnvironment(api, emulator);
        environment["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = "512";
        environment["AWS_SESSION_TOKEN"] = "process-session-token";
        environment["PARAMETERS_SECRETS_EXTENSION_HTTP_PORT"] = extension.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var (exitCode, stdout, stderr) = await RunAsync(bootstrap, environment);

        Assert.True(exitCode == 0, $"bootstrap exited with {exitCode}\n{stdout}\n{stderr}");
        var post = await api.NextPostAsync();
        Assert.Equal((PostKind.Response, requestId), (post.Kind, post.RequestId));
        using var body = JsonDocument.Parse(post.Body);
        Assert.Equal(201, body.RootElement.GetProperty("statusCode").GetInt32());
        Assert.StartsWith("00Q", body.RootElement.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, extension.Requests);
        Assert.Equal(1, emulator.Host.LoginCount(Emulator.EmulatorFixture.Username));

        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines, line => JsonDocument.Parse(line).Dispose());
        Assert.Contains(lines, l => l.Contains("\"message\":\"Forcelink function initialized: integration@example.com", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("{\"_aws\":", StringComparison.Ordinal) && l.Contains($"\"requestId\":\"{requestId}\"", StringComparison.Ordinal));
        Assert.DoesNotContain("PRIVATE KEY", stdout, StringComparison.Ordinal);
    }

    [AotFact]
    public async Task Bootstrap_NoExtensionLayer_ReadsTheKeyFromTheSignedSecretsManagerApi()
    {
        var bootstrap = await build.GetBootstrapAsync();
        await using var api = await FakeRuntimeApi.StartAsync();
        api.ResponseCheck = (e, body) => Forcelink.Tests.Lambda.EventContract.ProblemAnswering(e, System.Text.Encoding.UTF8.GetBytes(body));
        var role = new Forcelink.Aws.AwsCredentials("ASIAPROCESS", "process-secret-access-key", "process-session-token");
        await using var aws = await FakeAwsJsonApi.StartAsync(role, "eu-west-1");
        await using var emulator = await Emulator.EmulatorFixture.StartAsync();
        aws.Secrets["forcelink/jwt-key"] = Emulator.EmulatorFixture.Key.ExportPkcs8PrivateKeyPem();

        var requestId = api.Enqueue("{\"operation\":\"create\",\"object\":\"Lead\",\"fields\":{\"LastName\":\"Layerless\",\"Company\":\"Bootstrap\"}}", TimeProvider.System.GetUtcNow());

        var environment = SecretKeyEnvironment(api, emulator);
        environment["AWS_REGION"] = "eu-west-1";
        environment["AWS_ACCESS_KEY_ID"] = role.AccessKeyId;
        environment["AWS_SECRET_ACCESS_KEY"] = role.SecretAccessKey;
        environment["AWS_SESSION_TOKEN"] = role.SessionToken!;
        environment["AWS_ENDPOINT_URL_SECRETS_MANAGER"] = aws.BaseAddress.ToString();
        environment["PARAMETERS_SECRETS_EXTENSION_HTTP_PORT"] = FakeAwsJsonApi.ClosedPort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var (exitCode, stdout, stderr) = await RunAsync(bootstrap, environment);

        Assert.True(exitCode == 0, $"bootstrap exited with {exitCode}\n{stdout}\n{stderr}");
        var post = await api.NextPostAsync();
        Assert.Equal((PostKind.Response, requestId), (post.Kind, post.RequestId));
        using var body = JsonDocument.Parse(post.Body);
        Assert.Equal(201, body.RootElement.GetProperty("statusCode").GetInt32());
        Assert.Equal(1, aws.Requests);
        Assert.Contains("No Parameters and Secrets extension answers; reading the Secrets Manager secret", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("process-secret-access-key", stdout + stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", stdout, StringComparison.Ordinal);
    }

    [AotFact]
    public async Task Bootstrap_ThreeContainersWithTablesAndKms_OneLoginOneRecordTokenEncrypted()
    {
        var bootstrap = await build.GetBootstrapAsync();
        await using var dynalite = await Forcelink.Fleet.Testing.DynaliteProcess.StartAsync();
        using var dynamoDb = dynalite.CreateClient();
        await Forcelink.Fleet.Testing.DynaliteProcess.CreateTableAsync(dynamoDb, "tokens", Forcelink.Aws.Fleet.TokenTable.KeyAttribute);
        await Forcelink.Fleet.Testing.DynaliteProcess.CreateTableAsync(dynamoDb, "idempotency", Forcelink.Aws.Fleet.IdempotencyTable.KeyAttribute);
        // The processes run on the real clock, and the stored token ends by Salesforce's issued_at: the org must agree.
        await using var emulator = await Emulator.EmulatorFixture.StartAsync(o => o.TimeProvider = TimeProvider.System);
        using var kms = new Fleet.FakeKms();
        await using var kmsServer = new Fleet.LoopbackKms(kms);
        var key = Emulator.EmulatorFixture.Key.ExportPkcs8PrivateKeyPem();
        const string Create = "{\"operation\":\"create\",\"object\":\"Lead\",\"fields\":{\"LastName\":\"Fleet\",\"Company\":\"Bootstrap\"},\"idempotencyKey\":\"boot-1\"}";

        // Three processes, as three Lambda containers: the second gets the first's recorded answer without calling
        // Salesforce; the third reads the created Lead with the first's token, decrypted, without logging in.
        var answers = new List<JsonElement>();
        for (var container = 0; container < 3; container++)
        {
            await using var api = await FakeRuntimeApi.StartAsync();
            api.ResponseCheck = (e, body) => Forcelink.Tests.Lambda.EventContract.ProblemAnswering(e, System.Text.Encoding.UTF8.GetBytes(body));
            api.Enqueue(
                container < 2 ? Create : $"{{\"operation\":\"get\",\"object\":\"Lead\",\"id\":\"{answers[0].GetProperty("id").GetString()}\",\"fields\":[\"LastName\"]}}",
                TimeProvider.System.GetUtcNow());
            var (exitCode, stdout, stderr) = await RunAsync(bootstrap, new Dictionary<string, string>
            {
                ["AWS_LAMBDA_RUNTIME_API"] = api.Authority,
                ["AWS_LAMBDA_DOTNET_DEBUG_RUN_ONCE"] = "true",
                ["AWS_LAMBDA_FUNCTION_NAME"] = "forcelink-process-test",
                ["AWS_REGION"] = "us-east-1",
                ["AWS_ACCESS_KEY_ID"] = "test",
                ["AWS_SECRET_ACCESS_KEY"] = "test",
                ["AWS_ENDPOINT_URL_DYNAMODB"] = dynalite.ServiceUrl.AbsoluteUri,
                ["AWS_ENDPOINT_URL_KMS"] = kmsServer.Url.AbsoluteUri,
                ["FORCELINK_TOKEN_KMS_KEY_ID"] = Fleet.FakeKms.KeyArn,
                ["FORCELINK_LOGIN_URL"] = emulator.Host.BaseUrl.ToString(),
                ["FORCELINK_CONSUMER_KEY"] = Emulator.EmulatorFixture.ConsumerKey,
                ["FORCELINK_USERNAME"] = Emulator.EmulatorFixture.Username,
                ["FORCELINK_PRIVATE_KEY"] = key,
                ["FORCELINK_TOKEN_TABLE"] = "tokens",
                ["FORCELINK_IDEMPOTENCY_TABLE"] = "idempotency",
            });
            Assert.True(exitCode == 0, $"bootstrap exited with {exitCode}\n{stdout}\n{stderr}");
            Assert.DoesNotContain("token table tokens is unavailable", stdout, StringComparison.Ordinal);
            var post = await api.NextPostAsync();
            using var body = JsonDocument.Parse(post.Body);
            answers.Add(body.RootElement.Clone());
        }

        Assert.Equal(201, answers[0].GetProperty("statusCode").GetInt32());
        Assert.Equal(answers[0].GetRawText(), answers[1].GetRawText());
        Assert.Equal("Fleet", answers[2].GetProperty("record").GetProperty("LastName").GetString());
        Assert.Equal(1, emulator.Host.LoginCount(Emulator.EmulatorFixture.Username));
        Assert.Equal(1, kms.Encrypts);
        Assert.True(kms.Decrypts >= 1, "the third container did not decrypt the shared token");
    }

    [AotFact]
    public async Task Bootstrap_Misconfigured_ReportsInitErrorAndExitsNonZero()
    {
        var bootstrap = await build.GetBootstrapAsync();
        await using var api = await FakeRuntimeApi.StartAsync();
        api.ResponseCheck = (e, body) => Forcelink.Tests.Lambda.EventContract.ProblemAnswering(e, System.Text.Encoding.UTF8.GetBytes(body));

        var (exitCode, stdout, _) = await RunAsync(bootstrap, new Dictionary<string, string>
        {
            ["AWS_LAMBDA_RUNTIME_API"] = api.Authority,
            ["FORCELINK_LOGIN_URL"] = "https://login.salesforce.com",
            ["FORCELINK_PRIVATE_KEY"] = "not a key",
            ["FORCELINK_PRIVATE_KEY_FILE"] = "/var/task/server.key",
        });

        Assert.Equal(1, exitCode);
        var post = await api.NextPostAsync();
        Assert.Equal((PostKind.InitError, "FunctionConfigurationException"), (post.Kind, post.ErrorType));
        using var body = JsonDocument.Parse(post.Body);
        Assert.StartsWith("The Forcelink function is misconfigured (3 problems): 1. FORCELINK_CONSUMER_KEY", body.RootElement.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
        Assert.Contains("\"level\":\"FATAL\"", stdout, StringComparison.Ordinal);
        Assert.Equal(0, api.NextCalls);
    }

    /// <summary>One event, JSON logs, the emulator's org, and the key in the Secrets Manager secret "forcelink/jwt-key".</summary>
    internal static Dictionary<string, string> SecretKeyEnvironment(FakeRuntimeApi api, Emulator.EmulatorFixture emulator) => new()
    {
        ["AWS_LAMBDA_RUNTIME_API"] = api.Authority,
        ["AWS_LAMBDA_DOTNET_DEBUG_RUN_ONCE"] = "true",
        ["AWS_LAMBDA_LOG_FORMAT"] = "JSON",
        ["FORCELINK_LOGIN_URL"] = emulator.Host.BaseUrl.ToString(),
        ["FORCELINK_CONSUMER_KEY"] = Emulator.EmulatorFixture.ConsumerKey,
        ["FORCELINK_USERNAME"] = Emulator.EmulatorFixture.Username,
        ["FORCELINK_PRIVATE_KEY_SECRET_ID"] = "forcelink/jwt-key",
    };

    /// <summary>Runs <paramref name="bootstrap"/> with exactly the FORCELINK_ and AWS_ variables given, directly or through
    /// <paramref name="launcher"/> (an emulator such as <c>qemu-aarch64 -L sysroot</c>, which gets the binary as its last argument).</summary>
    internal static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string bootstrap, Dictionary<string, string> environment, IReadOnlyList<string>? launcher = null)
    {
        var start = launcher is { Count: > 0 }
            ? new ProcessStartInfo(launcher[0], launcher.Skip(1).Append(bootstrap))
            : new ProcessStartInfo(bootstrap);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("FORCELINK_", StringComparison.Ordinal) || k.StartsWith("AWS_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(ProcessTimeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout.WaitAsync(ProcessTimeout), await stderr.WaitAsync(ProcessTimeout));
    }
}

/// <summary>Runs <c>deploy/build.sh</c> once for the test class, on first use: the x86_64 package in artifacts/lambda.</summary>
public sealed class BootstrapBuild
{
    private readonly Lazy<Task<string>> _bootstrap = new(() => RunAsync([], Path.Combine("artifacts", "lambda")));

    public Task<string> GetBootstrapAsync() => _bootstrap.Value.WaitAsync(BuildTimeout);

    internal static TimeSpan BuildTimeout { get; } = TimeSpan.FromMinutes(15);

    /// <summary>Runs <c>deploy/build.sh</c> with <paramref name="arguments"/> and returns the <c>bootstrap</c> it wrote to <paramref name="output"/> (relative to the repository).</summary>
    internal static async Task<string> RunAsync(IReadOnlyList<string> arguments, string output)
    {
        var outputPath = Path.Combine(RepositoryPaths.Root, output);
        await RunBuildAsync(arguments, outputPath);
        var bootstrap = Path.Combine(outputPath, "bootstrap");
        Assert.True(File.Exists(bootstrap), $"deploy/build.sh did not produce {bootstrap}");
        return bootstrap;
    }

    /// <summary>Runs <c>deploy/build.sh</c> with <paramref name="arguments"/> into <paramref name="outputPath"/>; it must succeed and write function.zip.</summary>
    internal static async Task RunBuildAsync(IReadOnlyList<string> arguments, string outputPath)
    {
        var repo = RepositoryPaths.Root;
        var start = new ProcessStartInfo("bash", [Path.Combine(repo, "deploy", "build.sh"), .. arguments, "--output", outputPath])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = repo,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(BuildTimeout);
        Assert.True(process.ExitCode == 0, $"deploy/build.sh {string.Join(' ', arguments)} failed ({process.ExitCode}):\n{await stdout}\n{await stderr}");
        Assert.True(File.Exists(Path.Combine(outputPath, "function.zip")));
    }
}

/// <summary>A fact that publishes and runs the Native AOT binary; FORCELINK_SKIP_AOT_TESTS=1 skips it (never in CI).</summary>
public sealed class AotFactAttribute : FactAttribute
{
    public AotFactAttribute()
    {
        var skip = Environment.GetEnvironmentVariable("FORCELINK_SKIP_AOT_TESTS");
        if (skip is "1" or "true" && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Skip = "FORCELINK_SKIP_AOT_TESTS is set: the Native AOT publish and bootstrap process tests are skipped.";
        }
    }
}
