using System.Text.Json;
using Forcelink.Lambda.Observability;
using Forcelink.Lambda.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Forcelink.Tests.Lambda;

public sealed partial class LogLineWriterTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 23, 6, 23, 123, TimeSpan.Zero);
    private readonly StringWriter _output = new();
    private readonly FakeTimeProvider _time = new(Now);
    private readonly CurrentInvocation _invocation = new();

    public void Dispose() => _output.Dispose();

    private LogLineWriter CreateSut(LogFormat format = LogFormat.Json, LogLevel minimum = LogLevel.Information) =>
        new(_output, new LogOptions(format, minimum), _time, _invocation);

    private static ILogger CreateLogger(LogLineWriter writer, string category = "Forcelink.Test") =>
        new LambdaLoggerFactory(new LambdaLoggerProvider(writer)).CreateLogger(category);

    private string[] Lines() => _output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void Write_OutsideInvocation_ExactJsonLine()
    {
        var sut = CreateSut();

        sut.Write(LogLevel.Information, "Forcelink.Test", "Ready");

        Assert.Equal("{\"timestamp\":\"2026-11-26T23:06:23.123Z\",\"level\":\"INFO\",\"message\":\"Ready\",\"logger\":\"Forcelink.Test\"}\n", _output.ToString());
    }

    [Fact]
    public void Log_ThroughILoggerDuringInvocation_CarriesRequestIdTraceIdAndFields()
    {
        var sut = CreateSut();
        _invocation.Begin(new InvocationContext("req-1", Now.AddSeconds(30), null, "Root=1-abc", _time));
        var logger = CreateLogger(sut);

        LogCreated(logger, "Lead", "00Q5e00000AbCdE", 42, 12.5);

        Assert.Equal(
            "{\"timestamp\":\"2026-11-26T23:06:23.123Z\",\"level\":\"WARN\",\"message\":\"Created Lead 00Q5e00000AbCdE in 42 tries (12.5 ms)\"," +
            "\"requestId\":\"req-1\",\"traceId\":\"Root=1-abc\",\"logger\":\"Forcelink.Test\",\"Object\":\"Lead\",\"Id\":\"00Q5e00000AbCdE\",\"Tries\":42,\"Ms\":12.5}\n",
            _output.ToString());
    }

    [Fact]
    public void Log_WithException_AddsErrorFieldsOnOneLine()
    {
        var sut = CreateSut();
        var logger = CreateLogger(sut);
        Exception thrown;
        try
        {
            throw new InvalidOperationException("Broken\nsecond line");
        }
        catch (InvalidOperationException e)
        {
            thrown = e;
        }

        LogFailed(logger, thrown);

        var line = Assert.Single(Lines());
        using var json = JsonDocument.Parse(line);
        Assert.Equal("ERROR", json.RootElement.GetProperty("level").GetString());
        Assert.Equal("InvalidOperationException", json.RootElement.GetProperty("errorType").GetString());
        Assert.Equal("Broken\nsecond line", json.RootElement.GetProperty("errorMessage").GetString());
        Assert.Contains(nameof(Log_WithException_AddsErrorFieldsOnOneLine), json.RootElement.GetProperty("stackTrace")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Write_SalesforceTokenOrPem_IsMasked()
    {
        var sut = CreateSut();
        const string token = "00D5e000000AbCd!AQ8AQH0mSd.Xb_Zy-secretpart";
        var pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----";

        sut.Write(LogLevel.Information, null, $"token {token} key {pem}", fields: [new("Header", "Bearer " + token)]);

        Assert.Equal(
            "{\"timestamp\":\"2026-11-26T23:06:23.123Z\",\"level\":\"INFO\",\"message\":\"token 00D5e000000AbCd!*** key [private key redacted]\",\"Header\":\"Bearer 00D5e000000AbCd!***\"}\n",
            _output.ToString());
    }

    [Theory]
    [InlineData("-----BEGIN RSA PRIVATE KEY-----\\nMIIEpAIBAAKCAQEA\\n-----END RSA PRIVATE KEY-----", "a [private key redacted] b")]
    [InlineData("-----BEGIN PRIVATE KEY-----\nMIIEvQ cut off", "a [private key redacted]")]
    [InlineData("LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JSUV2UUlCQURBTkJna3Foa2lHOXcwQkFRRUZBQVNDQktjd2dnU2pBZ0VBQW9JQkFRQzc=", "a [private key redacted] b")]
    [InlineData("00D5e000000AbCdEFG!AQ8AQH0mSdXb", "a 00D5e000000AbCdEFG!*** b")]
    [InlineData("00Q5e00000AbCdE is a lead id", "a 00Q5e00000AbCdE is a lead id b")]
    public void SecretMask_Apply_HidesSecretsOnly(string secret, string expected)
    {
        var text = expected.EndsWith(" b", StringComparison.Ordinal) ? $"a {secret} b" : $"a {secret}";

        Assert.Equal(expected, SecretMask.Apply(text));
    }

    [Fact]
    public void Write_BelowMinimumLevel_WritesNothing()
    {
        var sut = CreateSut(minimum: LogLevel.Warning);

        sut.Write(LogLevel.Information, null, "hidden");
        sut.Write(LogLevel.Critical, null, "shown");

        var line = Assert.Single(Lines());
        Assert.Contains("\"level\":\"FATAL\",\"message\":\"shown\"", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_TextFormat_OnePlainLine()
    {
        var sut = CreateSut(LogFormat.Text);
        _invocation.Begin(new InvocationContext("req-2", Now, null, null, _time));

        sut.Write(LogLevel.Warning, "ignored", "two\nlines 00D5e000000AbCd!secret");

        Assert.Equal("2026-11-26T23:06:23.123Z\treq-2\tWARN\ttwo\rlines 00D5e000000AbCd!***\n", _output.ToString());
    }

    [Theory]
    [InlineData(null, null, "Json", LogLevel.Information)]
    [InlineData("Text", "DEBUG", "Text", LogLevel.Debug)]
    [InlineData("JSON", "warn", "Json", LogLevel.Warning)]
    [InlineData("json", "TRACE", "Json", LogLevel.Trace)]
    [InlineData("xml", "FATAL", "Json", LogLevel.Critical)]
    [InlineData("TEXT", "nonsense", "Text", LogLevel.Information)]
    public void LogOptions_FromEnvironment_ReadsLambdaSettings(string? format, string? level, string expectedFormat, LogLevel expectedLevel)
    {
        var options = LogOptions.FromEnvironment(name => name switch
        {
            "AWS_LAMBDA_LOG_FORMAT" => format,
            "AWS_LAMBDA_LOG_LEVEL" => level,
            _ => null,
        });

        Assert.Equal(new LogOptions(Enum.Parse<LogFormat>(expectedFormat), expectedLevel), options);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Created {Object} {Id} in {Tries} tries ({Ms} ms)")]
    private static partial void LogCreated(ILogger logger, string @object, string id, int tries, double ms);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
