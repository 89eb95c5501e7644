using System.Text.Json;

namespace Forcelink.IntegrationTests.Lambda;

/// <summary>
/// Cross-compiles the Native AOT <c>bootstrap</c> for arm64 with <c>deploy/build.sh --arch arm64</c> and runs it under
/// qemu-user against the fake Runtime API, the fake Parameters and Secrets extension and the emulator: the package a
/// Graviton function gets, answering an event. qemu-aarch64 is called directly, so no binfmt registration is needed; the
/// binary loads Debian's arm64 glibc and OpenSSL (libssl3:arm64, multiarch), as it loads AL2023's in Lambda. The cross
/// C library that links it (/usr/aarch64-linux-gnu) cannot run it: its ld.so would meet the multiarch libc.so.6, and
/// a mismatched pair hangs. tests/prerequisites.sh installs all of it.
/// </summary>
[Collection(LambdaProcessState.Name)]
public sealed class Arm64BootstrapTests(Arm64BootstrapBuild build) : IClassFixture<Arm64BootstrapBuild>
{
    private const string Qemu = "qemu-aarch64";
    private const string Arm64Loader = "/lib/ld-linux-aarch64.so.1";
    private const string Arm64OpenSsl = "/usr/lib/aarch64-linux-gnu/libssl.so.3";

    [AotFact]
    public async Task Arm64Bootstrap_UnderQemu_InitializesFromSecretLogsInAndCreatesALead()
    {
        Assert.True(
            File.Exists($"/usr/bin/{Qemu}") && File.Exists(Arm64Loader) && File.Exists(Arm64OpenSsl),
            $"/usr/bin/{Qemu}, {Arm64Loader} or {Arm64OpenSsl} is missing: run tests/prerequisites.sh (qemu-user, libssl3:arm64).");
        var bootstrap = await build.GetBootstrapAsync();
        Assert.Equal("arm64", (await File.ReadAllTextAsync(Path.Combine(Path.GetDirectoryName(bootstrap)!, "architecture"))).Trim());
        await using var api = await FakeRuntimeApi.StartAsync();
        api.ResponseCheck = (e, body) => Forcelink.Tests.Lambda.EventContract.ProblemAnswering(e, System.Text.Encoding.UTF8.GetBytes(body));
        await using var extension = await FakeParametersSecretsExtension.StartAsync("arm64-session-token");
        await using var emulator = await Emulator.EmulatorFixture.StartAsync();
        extension.Secrets["forcelink/jwt-key"] = Emulator.EmulatorFixture.Key.ExportPkcs8PrivateKeyPem();

        var requestId = api.Enqueue("{\"operation\":\"create\",\"object\":\"Lead\",\"fields\":{\"LastName\":\"Graviton\",\"Company\":\"Qemu\"}}", TimeProvider.System.GetUtcNow());

        var environment = BootstrapProcessTests.SecretKeyEnvironment(api, emulator);
        environment["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = "512";
        environment["AWS_SESSION_TOKEN"] = "arm64-session-token";
        environment["PARAMETERS_SECRETS_EXTENSION_HTTP_PORT"] = extension.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var (exitCode, stdout, stderr) = await BootstrapProcessTests.RunAsync(bootstrap, environment, [Qemu]);

        Assert.True(exitCode == 0, $"bootstrap (arm64, under {Qemu}) exited with {exitCode}\n{stdout}\n{stderr}");
        var post = await api.NextPostAsync();
        Assert.Equal((PostKind.Response, requestId), (post.Kind, post.RequestId));
        using var body = JsonDocument.Parse(post.Body);
        Assert.Equal(201, body.RootElement.GetProperty("statusCode").GetInt32());
        Assert.StartsWith("00Q", body.RootElement.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, extension.Requests);
        Assert.Equal(1, emulator.Host.LoginCount(Emulator.EmulatorFixture.Username));
        Assert.Contains("Forcelink function initialized: integration@example.com", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", stdout, StringComparison.Ordinal);
    }

    [AotFact]
    public async Task Arm64Bootstrap_IsA64BitLittleEndianAArch64Executable()
    {
        var bootstrap = await build.GetBootstrapAsync();

        var header = new byte[20];
        await using (var file = File.OpenRead(bootstrap))
        {
            await file.ReadExactlyAsync(header);
        }

        // ELF, 64-bit, little-endian, e_machine 183 (EM_AARCH64): Lambda's arm64 environments run nothing else.
        Assert.Equal("\u007fELF"u8.ToArray(), header[..4]);
        Assert.Equal((byte)2, header[4]);
        Assert.Equal((byte)1, header[5]);
        Assert.Equal(183, BitConverter.ToUInt16(header, 18));
    }
}

/// <summary>Runs <c>deploy/build.sh --arch arm64</c> once for the test class, into its own folder beside the x86_64 package.</summary>
public sealed class Arm64BootstrapBuild
{
    private readonly Lazy<Task<string>> _bootstrap = new(() => BootstrapBuild.RunAsync(["--arch", "arm64"], Path.Combine("artifacts", "lambda-arm64-test")));

    public Task<string> GetBootstrapAsync() => _bootstrap.Value.WaitAsync(BootstrapBuild.BuildTimeout);
}
