using Forcelink.Configuration;
using System.Text.Json;
using Forcelink.Lambda;
using Forcelink.Lambda.Runtime;
using Forcelink.Tests.TestDoubles;
using Forcelink.Aws.Secrets;
using Forcelink.Aws;

namespace Forcelink.Tests.Lambda;

public sealed class ErrorReportTests
{
    [Fact]
    public void Serialize_ExactRuntimeApiShape()
    {
        var report = new ErrorReport("Boom", "InvalidOperationException", ["at A.B()", "at C.D()"]);

        var json = JsonSerializer.Serialize(report, LambdaJsonContext.Default.ErrorReport);

        Assert.Equal("{\"errorMessage\":\"Boom\",\"errorType\":\"InvalidOperationException\",\"stackTrace\":[\"at A.B()\",\"at C.D()\"]}", json);
    }

    [Fact]
    public void FromException_UnthrownException_EmptyStackAndMaskedMessage()
    {
        var report = ErrorReport.FromException(new InvalidOperationException("token 00D5e000000AbCd!secret leaked"));

        Assert.Equal(new ErrorReport("token 00D5e000000AbCd!*** leaked", "InvalidOperationException", []), report with { StackTrace = [] });
        Assert.Empty(report.StackTrace);
    }

    [Fact]
    public async Task PrivateKeyReader_InlineKey_Parses()
    {
        var sut = new PrivateKeyReader(() => throw new InvalidOperationException("no extension needed"));

        using var key = await sut.ReadAsync(SecretSource.PrivateKey(SecretSourceKind.Text, TestKeys.PrimaryPkcs8Pem.Replace("\n", "\\n", StringComparison.Ordinal)), null)
            .WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2048, key.KeySize);
    }

    [Fact]
    public async Task PrivateKeyReader_MissingFile_NamesVariableAndFix()
    {
        var sut = new PrivateKeyReader(() => throw new InvalidOperationException("no extension needed"));
        var path = Path.Combine(Path.GetTempPath(), $"forcelink-missing-{Guid.NewGuid():N}.key");

        var exception = await Assert.ThrowsAsync<FunctionConfigurationException>(
            () => sut.ReadAsync(SecretSource.PrivateKey(SecretSourceKind.File, path), null).WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.StartsWith($"The Forcelink function is misconfigured: FORCELINK_PRIVATE_KEY_FILE: Cannot read the private key file '{path}'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("or use FORCELINK_PRIVATE_KEY_SECRET_ID", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PrivateKeyReader_InlineNotAKey_ExplainsWithoutQuotingIt()
    {
        var sut = new PrivateKeyReader(() => throw new InvalidOperationException("no extension needed"));

        var exception = await Assert.ThrowsAsync<FunctionConfigurationException>(
            () => sut.ReadAsync(SecretSource.PrivateKey(SecretSourceKind.Text, "not-a-key-but-secret"), null).WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.StartsWith("The Forcelink function is misconfigured: FORCELINK_PRIVATE_KEY: the value is not a usable private key.", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-a-key-but-secret", exception.Message, StringComparison.Ordinal);
    }
}
