using Forcelink.Authentication;
using Microsoft.Extensions.Logging;

namespace Forcelink.Lambda.Configuration;

/// <summary>Builds the credential <see cref="FunctionOptions.Flow"/> names, reading its key or secret from wherever it lives.</summary>
internal static partial class FunctionCredential
{
    /// <summary>The credential, and the signing key it holds (JWT only), which the caller disposes after the credential's last use.</summary>
    /// <exception cref="FunctionConfigurationException">The key or secret cannot be read or used.</exception>
    public static async Task<(SalesforceCredential Credential, RsaSigningKey? Key)> CreateAsync(
        FunctionOptions options,
        Func<ParametersSecretsClient> secrets,
        HttpClient tokenHttpClient,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory,
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

        var key = await new PrivateKeyReader(secrets).ReadAsync(options.PrivateKey!, options.PrivateKeyPassphrase, cancellationToken);
        LogJwt(logger, options.Credential!.Username!, options.LoginUrl, options.PrivateKey!, key);
        return (new JwtBearerCredential(options.Credential, key, tokenHttpClient, timeProvider, loggerFactory.CreateLogger<JwtBearerCredential>()), key);
    }

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Forcelink function initialized: {Username} via {LoginUrl}, key from {KeySource} ({Key})")]
    private static partial void LogJwt(ILogger logger, string username, Uri loginUrl, SecretSource keySource, RsaSigningKey key);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Forcelink function initialized: client credentials flow (the app's Run As user) via {LoginUrl}, secret from {SecretSource}")]
    private static partial void LogClientCredentials(ILogger logger, Uri loginUrl, SecretSource secretSource);
}
