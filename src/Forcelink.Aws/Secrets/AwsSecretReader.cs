using Forcelink.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Forcelink.Aws.Secrets;

/// <summary>
/// Reads secrets the way the Forcelink function does: through the AWS Parameters and Secrets Lambda Extension when it is
/// there (a cache on localhost), else from Secrets Manager or SSM by a SigV4-signed call with the same credentials, so
/// no AWS SDK is needed. Errors say what to fix (a missing permission, a wrong name) and never quote a secret; they are
/// <see cref="SalesforceException"/>s, the library's one exception type.
/// </summary>
public sealed class AwsSecretReader
{
    private readonly ParametersSecretsClient _client;
    private readonly PrivateKeyReader _keys;
    private readonly SecretTextReader _texts;

    /// <summary>Creates a reader. Validates <paramref name="options"/> and reports every problem at once.</summary>
    /// <param name="httpClient">Sends the requests, to the extension on localhost and to AWS; the caller keeps ownership.</param>
    /// <param name="options">Credentials, region and extension; <see cref="AwsSecretReaderOptions.FromEnvironment"/> in Lambda.</param>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem and its fix.</exception>
    public AwsSecretReader(HttpClient httpClient, AwsSecretReaderOptions options)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(
                $"The AWS secret reader settings are invalid:{Environment.NewLine}- {string.Join(Environment.NewLine + "- ", errors)}",
                nameof(options));
        }

        var loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        var direct = options.Credentials is { } credentials && !string.IsNullOrWhiteSpace(options.Region)
            ? new AwsJsonClient(httpClient, credentials, options.Region, Environment.GetEnvironmentVariable, options.TimeProvider, loggerFactory.CreateLogger<AwsJsonClient>())
            : null;
        _client = new ParametersSecretsClient(
            httpClient,
            ParametersSecretsClient.DefaultAddress(options.ExtensionPort),
            options.UseExtension ? options.Credentials?.SessionToken : null,
            direct,
            options.TimeProvider,
            loggerFactory.CreateLogger<ParametersSecretsClient>());
        _keys = new PrivateKeyReader(() => _client);
        _texts = new SecretTextReader(() => _client);
    }

    /// <summary>The <c>SecretString</c> of a Secrets Manager secret (or its <c>SecretBinary</c> as base64).</summary>
    /// <param name="secretId">The secret's name or ARN.</param>
    /// <param name="fresh">Read by a signed call past the extension's cache (up to 5 minutes old), as after a rotation.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The secret's text.</returns>
    /// <exception cref="SalesforceException">The secret cannot be read; the message says why and how to fix it.</exception>
    public Task<string> GetSecretStringAsync(string secretId, bool fresh = false, CancellationToken cancellationToken = default) =>
        TranslateAsync(() => _client.GetSecretStringAsync(secretId, fresh, cancellationToken));

    /// <summary>The decrypted value of an SSM parameter.</summary>
    /// <param name="name">The parameter's name.</param>
    /// <param name="fresh">Read by a signed call past the extension's cache.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The parameter's value.</returns>
    /// <exception cref="SalesforceException">The parameter cannot be read; the message says why and how to fix it.</exception>
    public Task<string> GetParameterValueAsync(string name, bool fresh = false, CancellationToken cancellationToken = default) =>
        TranslateAsync(() => _client.GetParameterValueAsync(name, fresh, cancellationToken));

    /// <summary>
    /// The JWT signing key: the PEM of <c>server.key</c> stored as plain text, or a JSON object with a <c>privateKey</c>
    /// field (and optionally <c>passphrase</c> and <c>certificate</c>).
    /// </summary>
    /// <param name="location">Where the key is.</param>
    /// <param name="passphrase">The passphrase of an encrypted key; by default the one stored with it, if any.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The key; the caller disposes it.</returns>
    /// <exception cref="SalesforceException">The key cannot be read or is not a usable RSA key.</exception>
    public Task<RsaSigningKey> ReadPrivateKeyAsync(SecretLocation location, string? passphrase = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(location);
        return TranslateAsync(() => _keys.ReadAsync(location.ToSource(), passphrase, cancellationToken));
    }

    /// <summary>A connected app's Consumer Secret, for the client credentials flow: plain text, or JSON with a <c>clientSecret</c> field.</summary>
    /// <param name="location">Where the secret is.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The secret, trimmed.</returns>
    /// <exception cref="SalesforceException">The secret cannot be read or is empty.</exception>
    public Task<string> ReadClientSecretAsync(SecretLocation location, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(location);
        return TranslateAsync(() => _texts.ReadClientSecretAsync(location.ToSource(), cancellationToken));
    }

    private static async Task<T> TranslateAsync<T>(Func<Task<T>> read)
    {
        try
        {
            return await read().ConfigureAwait(false);
        }
        catch (FunctionConfigurationException e)
        {
            throw new SalesforceException(string.Join(" ", e.Errors), e);
        }
    }
}
