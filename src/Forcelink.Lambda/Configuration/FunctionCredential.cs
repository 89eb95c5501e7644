using Forcelink.Configuration;
using Forcelink.Authentication;
using Microsoft.Extensions.Logging;
using Forcelink.Aws.Metrics;
using Forcelink.Aws.Secrets;
using Forcelink.Aws;

namespace Forcelink.Lambda.Configuration;

/// <summary>Builds the credential <see cref="FunctionOptions.Flow"/> names, reading its key or secret from wherever it lives.</summary>
internal static partial class FunctionCredential
{
    /// <summary>
    /// The credential, and what it owns that the caller disposes after the credential's last use (JWT only: the signing
    /// key, read again from its source after a refusal a rotated key explains, so a new key needs no redeploy).
    /// </summary>
    /// <exception cref="FunctionConfigurationException">The key or secret cannot be read or used.</exception>
    public static async Task<(SalesforceCredential Credential, IDisposable? Owned)> CreateAsync(
        FunctionOptions options,
        Func<ParametersSecretsClient> secrets,
        HttpClient tokenHttpClient,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory,
        EmbeddedMetrics metrics,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var logger = loggerFactory.CreateLogger(typeof(Program).FullName!);
        if (options.Flow == AuthFlow.ClientCredentials)
        {
            var source = options.ClientSecret!;
            var secret = await new SecretTextReader(secrets).ReadClientSecretAsync(source, cancellationToken);
            var settings = options.ClientCredentials!;
            ClientCredentialsCredential credential;
            try
            {
                credential = new ClientCredentialsCredential(
                    new ClientCredentialsCredentialOptions
                    {
                        LoginUrl = settings.LoginUrl,
                        ConsumerKey = settings.ConsumerKey,
                        ConsumerSecret = secret,
                        SendCredentialsInBody = settings.SendCredentialsInBody,
                    },
                    tokenHttpClient,
                    timeProvider,
                    loggerFactory.CreateLogger<ClientCredentialsCredential>());
            }
            catch (ArgumentException e)
            {
                // The options' messages never quote the secret; they name the property the variable feeds.
                throw new FunctionConfigurationException($"{source.VariableName}: {e.Message.Split(" (Parameter", 2)[0]}", e);
            }

            LogClientCredentials(logger, options.LoginUrl, source);
            return (credential, null);
        }

        var keys = new SigningKeyProvider(
            new PrivateKeyReader(secrets), options.PrivateKey!, options.PrivateKeyPassphrase, options.CertificateWarningDays, metrics, timeProvider, loggerFactory.CreateLogger<SigningKeyProvider>());
        var material = await keys.ReadAsync(fresh: false, cancellationToken);
        var jwt = options.Credential!;
        var rotating = new KeyRotatingCredential(
            key => new JwtBearerCredential(jwt, key, tokenHttpClient, timeProvider, loggerFactory.CreateLogger<JwtBearerCredential>()),
            keys,
            material,
            loggerFactory.CreateLogger<KeyRotatingCredential>());
        LogJwt(logger, jwt.Username!, options.LoginUrl, options.PrivateKey!, rotating.Key);
        return (rotating, rotating);
    }

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Forcelink function initialized: {Username} via {LoginUrl}, key from {KeySource} ({Key})")]
    private static partial void LogJwt(ILogger logger, string username, Uri loginUrl, SecretSource keySource, RsaSigningKey key);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Forcelink function initialized: client credentials flow (the app's Run As user) via {LoginUrl}, secret from {SecretSource}")]
    private static partial void LogClientCredentials(ILogger logger, Uri loginUrl, SecretSource secretSource);
}
