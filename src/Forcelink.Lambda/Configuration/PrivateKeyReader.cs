using System.Text.Json;
using Forcelink.Authentication;

namespace Forcelink.Lambda.Configuration;

/// <summary>
/// Reads the signing key from its configured source. A secret or parameter may hold the PEM itself or a JSON object
/// with a <c>privateKey</c> field (and optionally <c>passphrase</c>). Errors name the variable and never quote the key.
/// </summary>
internal sealed class PrivateKeyReader(Func<ParametersSecretsClient> extension)
{
    private readonly SecretTextReader _text = new(extension);

    public async Task<RsaSigningKey> ReadAsync(SecretSource source, string? passphrase, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.Kind == SecretSourceKind.File)
        {
            try
            {
                return await RsaSigningKey.LoadAsync(source.Value, passphrase, cancellationToken);
            }
            catch (ArgumentException exception)
            {
                throw new FunctionConfigurationException(
                    $"{source.VariableName}: {exception.Message.Split(" (Parameter", 2)[0]} Package the key with the function (for example under /var/task) " +
                    $"or use {EnvironmentVariables.PrivateKeySecretId}.",
                    exception);
            }
        }

        var text = await _text.ReadAsync(source, cancellationToken);
        if (source.Kind != SecretSourceKind.Text && text.TrimStart().StartsWith('{'))
        {
            (text, passphrase) = FromJson(text, passphrase, source);
        }

        try
        {
            return RsaSigningKey.Parse(text, passphrase);
        }
        catch (ArgumentException exception)
        {
            throw new FunctionConfigurationException(
                $"{source.VariableName}: the value is not a usable private key. {exception.Message.Split(" (Parameter", 2)[0]}",
                exception);
        }
    }

    private static (string Key, string? Passphrase) FromJson(string json, string? passphrase, SecretSource source)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("privateKey", out var key) && key.ValueKind == JsonValueKind.String)
            {
                var storedPassphrase = root.TryGetProperty("passphrase", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
                return (key.GetString()!, passphrase ?? storedPassphrase);
            }
        }
        catch (JsonException)
        {
        }

        throw new FunctionConfigurationException(
            $"{source.VariableName}: '{source.Value}' holds JSON without a string field 'privateKey': store the PEM of server.key as plain text, " +
            "or as {\"privateKey\": \"-----BEGIN PRIVATE KEY-----\\n...\"}.");
    }
}
