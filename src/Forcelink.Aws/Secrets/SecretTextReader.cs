using Forcelink.Configuration;
using System.Text.Json;

namespace Forcelink.Aws.Secrets;

/// <summary>
/// Reads a secret's text from its <see cref="SecretSource"/>: the variable's value, a file, or a secret or parameter
/// through <see cref="ParametersSecretsClient"/>. Errors name the variable and never quote the secret.
/// </summary>
internal sealed class SecretTextReader(Func<ParametersSecretsClient> extension)
{
    public async Task<string> ReadAsync(SecretSource source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source.Kind switch
        {
            SecretSourceKind.Secret => await extension().GetSecretStringAsync(source.Value, fresh: false, cancellationToken),
            SecretSourceKind.Parameter => await extension().GetParameterValueAsync(source.Value, fresh: false, cancellationToken),
            SecretSourceKind.File => await ReadFileAsync(source, cancellationToken),
            _ => source.Value,
        };
    }

    /// <summary>
    /// The consumer secret: the text itself, trimmed (a file or a pasted value often ends in a line break), or from a
    /// secret or parameter holding JSON, its <c>clientSecret</c> (or <c>consumerSecret</c>) field.
    /// </summary>
    public async Task<string> ReadClientSecretAsync(SecretSource source, CancellationToken cancellationToken = default)
    {
        var text = (await ReadAsync(source, cancellationToken)).Trim();
        if (source.Kind is SecretSourceKind.Secret or SecretSourceKind.Parameter && text.StartsWith('{'))
        {
            text = FromJson(text, source);
        }

        return text.Length > 0
            ? text
            : throw new FunctionConfigurationException($"{source.VariableName}: the client secret read from {Where(source)} is empty: store the app's Consumer Secret there.");
    }

    private static async Task<string> ReadFileAsync(SecretSource source, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllTextAsync(source.Value, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FunctionConfigurationException(
                $"{source.VariableName}: the file '{source.Value}' cannot be read ({e.GetType().Name}). Package it with the function (for example under /var/task), " +
                "or keep the secret in Secrets Manager and name it in the _SECRET_ID variable instead.",
                e);
        }
    }

    private static string FromJson(string json, SecretSource source)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var name in new[] { "clientSecret", "consumerSecret" })
                {
                    if (document.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
                    {
                        return value.GetString()!.Trim();
                    }
                }
            }
        }
        catch (JsonException)
        {
        }

        throw new FunctionConfigurationException(
            $"{source.VariableName}: '{source.Value}' holds JSON without a string field 'clientSecret': store the Consumer Secret as plain text, " +
            "or as {\"clientSecret\": \"...\"}.");
    }

    private static string Where(SecretSource source) => source.Kind switch
    {
        SecretSourceKind.Secret => $"Secrets Manager secret '{source.Value}'",
        SecretSourceKind.Parameter => $"SSM parameter '{source.Value}'",
        SecretSourceKind.File => $"file '{source.Value}'",
        _ => "the variable",
    };
}
