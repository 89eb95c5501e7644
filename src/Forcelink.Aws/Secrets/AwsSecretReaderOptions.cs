using Microsoft.Extensions.Logging;

namespace Forcelink.Aws.Secrets;

/// <summary>
/// Settings of <see cref="AwsSecretReader"/>. Validated once when the reader is created; every problem is reported together.
/// </summary>
public sealed class AwsSecretReaderOptions
{
    /// <summary>The default port of the AWS Parameters and Secrets Lambda Extension.</summary>
    public const int DefaultExtensionPort = 2773;

    /// <summary>The region of the secrets and parameters, for signed calls; such as <c>eu-west-1</c>.</summary>
    /// <value>The default is none; <see cref="FromEnvironment"/> reads <c>AWS_REGION</c> (or <c>AWS_DEFAULT_REGION</c>).</value>
    public string? Region { get; set; }

    /// <summary>The credentials that sign calls to Secrets Manager and SSM, and whose session token authenticates to the extension.</summary>
    /// <value>The default is none; <see cref="FromEnvironment"/> reads the execution role's.</value>
    public AwsCredentials? Credentials { get; set; }

    /// <summary>Whether to ask the Parameters and Secrets extension first (a cache on localhost) when there is a session token.</summary>
    /// <value>The default is <see langword="true"/>. When nothing listens on its port, values are read by signed calls instead.</value>
    public bool UseExtension { get; set; } = true;

    /// <summary>The extension's port.</summary>
    /// <value>The default is 2773; <see cref="FromEnvironment"/> reads <c>PARAMETERS_SECRETS_EXTENSION_HTTP_PORT</c>.</value>
    public int ExtensionPort { get; set; } = DefaultExtensionPort;

    /// <summary>The clock that signs requests and waits between retries.</summary>
    /// <value>The default is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Receives one event per retry or fallback, never a secret.</summary>
    /// <value>The default is none.</value>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Settings read from the variables Lambda sets: the region, the execution role's credentials and the extension's port.</summary>
    /// <returns>The settings; <see cref="Validate"/> says what is missing.</returns>
    public static AwsSecretReaderOptions FromEnvironment()
    {
        var options = new AwsSecretReaderOptions
        {
            Region = Environment.GetEnvironmentVariable("AWS_REGION") is { Length: > 0 } region ? region : Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION"),
            Credentials = AwsCredentials.FromEnvironment(Environment.GetEnvironmentVariable),
        };
        if (int.TryParse(Environment.GetEnvironmentVariable(ParametersSecretsClient.PortVariable), out var port))
        {
            options.ExtensionPort = port;
        }

        return options;
    }

    /// <summary>Lists every problem with these settings, each with its fix; empty when they are valid.</summary>
    /// <returns>The problems.</returns>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        var extension = UseExtension && Credentials?.SessionToken is { Length: > 0 };
        var direct = Credentials is not null && !string.IsNullOrWhiteSpace(Region);
        if (!extension && !direct)
        {
            errors.Add("Credentials and Region are required to read secrets by signed calls (or Credentials with a SessionToken for the extension): " +
                "in Lambda, AwsSecretReaderOptions.FromEnvironment() reads the execution role's.");
        }

        if (ExtensionPort is < 1 or > 65535)
        {
            errors.Add($"ExtensionPort {ExtensionPort} is not a TCP port: leave it at {DefaultExtensionPort} unless the extension's PARAMETERS_SECRETS_EXTENSION_HTTP_PORT says otherwise.");
        }

        if (TimeProvider is null)
        {
            errors.Add("TimeProvider is required: leave it at TimeProvider.System unless testing.");
        }

        return errors;
    }
}
