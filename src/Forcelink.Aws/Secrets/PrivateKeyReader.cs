using Forcelink.Configuration;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.RegularExpressions;
using Forcelink.Authentication;

namespace Forcelink.Aws.Secrets;

/// <summary>
/// Reads the signing key from its configured source. A secret or parameter may hold the PEM itself or a JSON object
/// with a <c>privateKey</c> field (and optionally <c>passphrase</c> and <c>certificate</c>); PEM text may carry the
/// certificate's block after the key's. Errors name the variable and never quote the key.
/// </summary>
internal sealed partial class PrivateKeyReader(Func<ParametersSecretsClient> extension)
{
    public async Task<RsaSigningKey> ReadAsync(SecretSource source, string? passphrase, CancellationToken cancellationToken = default)
    {
        using var material = await ReadMaterialAsync(source, passphrase, fresh: false, cancellationToken);
        return material.DetachKey();
    }

    /// <summary>Reads the key and, when stored with it, its certificate.</summary>
    /// <param name="source">Where the key is.</param>
    /// <param name="passphrase">The passphrase of an encrypted key; one stored in a JSON secret is used when this is null.</param>
    /// <param name="fresh">Read past the extension's cache (from the AWS API when the function can), as after a rotation.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public async Task<SigningMaterial> ReadMaterialAsync(SecretSource source, string? passphrase, bool fresh, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        string text;
        if (source.Kind == SecretSourceKind.File)
        {
            try
            {
                text = await File.ReadAllTextAsync(source.Value, cancellationToken);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                throw new FunctionConfigurationException(
                    $"{source.VariableName}: Cannot read the private key file '{source.Value}': {exception.Message} Package the key with the function " +
                    $"(for example under /var/task) or use {SettingNames.PrivateKeySecretId}.",
                    exception);
            }
        }
        else
        {
            text = source.Kind switch
            {
                SecretSourceKind.Secret => await extension().GetSecretStringAsync(source.Value, fresh, cancellationToken),
                SecretSourceKind.Parameter => await extension().GetParameterValueAsync(source.Value, fresh, cancellationToken),
                _ => source.Value,
            };
        }

        string? certificateText = null;
        if (source.Kind != SecretSourceKind.Text && text.TrimStart().StartsWith('{'))
        {
            (text, passphrase, certificateText) = FromJson(text, passphrase, source);
        }
        else if (CertificateBlock().Match(text) is { Success: true } block)
        {
            certificateText = block.Value;
            text = text.Remove(block.Index, block.Length);
        }

        RsaSigningKey key;
        try
        {
            key = RsaSigningKey.Parse(text, passphrase);
        }
        catch (ArgumentException exception)
        {
            var reason = exception.Message.Split(" (Parameter", 2)[0];
            throw new FunctionConfigurationException(
                source.Kind == SecretSourceKind.File
                    ? $"{source.VariableName}: The private key file '{source.Value}' is not usable: {reason}"
                    : $"{source.VariableName}: the value is not a usable private key. {reason}",
                exception);
        }

        if (certificateText is null)
        {
            return new SigningMaterial(key, null);
        }

        X509Certificate2 certificate;
        try
        {
            certificate = SalesforceCertificate.Parse(certificateText);
        }
        catch (ArgumentException exception)
        {
            key.Dispose();
            throw new FunctionConfigurationException(
                $"{source.VariableName}: the certificate stored with the key is not usable. {exception.Message.Split(" (Parameter", 2)[0]} " +
                "Store server.crt as it was uploaded to the app, or leave the certificate out.",
                exception);
        }

        return new SigningMaterial(key, certificate);
    }

    private static (string Key, string? Passphrase, string? Certificate) FromJson(string json, string? passphrase, SecretSource source)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("privateKey", out var key) && key.ValueKind == JsonValueKind.String)
            {
                var storedPassphrase = root.TryGetProperty("passphrase", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
                var certificate = root.TryGetProperty("certificate", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                return (key.GetString()!, passphrase ?? storedPassphrase, certificate);
            }
        }
        catch (JsonException)
        {
        }

        throw new FunctionConfigurationException(
            $"{source.VariableName}: '{source.Value}' holds JSON without a string field 'privateKey': store the PEM of server.key as plain text, " +
            "or as {\"privateKey\": \"-----BEGIN PRIVATE KEY-----\\n...\", \"certificate\": \"-----BEGIN CERTIFICATE-----\\n...\"}.");
    }

    // Also matches PEM whose line breaks are written as \n, as environment variables and JSON often hold it.
    [GeneratedRegex("-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", RegexOptions.Singleline)]
    private static partial Regex CertificateBlock();
}

/// <summary>The signing key and, when it was stored with it, the certificate uploaded to the app. Owns both.</summary>
internal sealed class SigningMaterial(RsaSigningKey key, X509Certificate2? certificate) : IDisposable
{
    private RsaSigningKey? _key = key;

    public RsaSigningKey Key => _key ?? throw new ObjectDisposedException(nameof(SigningMaterial));

    public X509Certificate2? Certificate { get; } = certificate;

    /// <summary>Hands the key to the caller: disposing the material no longer disposes it.</summary>
    public RsaSigningKey DetachKey()
    {
        var detached = Key;
        _key = null;
        return detached;
    }

    public void Dispose()
    {
        _key?.Dispose();
        _key = null;
        Certificate?.Dispose();
    }
}
