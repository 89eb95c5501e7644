using Forcelink.Configuration;

namespace Forcelink.Aws.Secrets;

/// <summary>Where a secret's text is kept: a Secrets Manager secret, an SSM parameter or a file. <see cref="ToString"/> names it, never its content.</summary>
public sealed class SecretLocation
{
    private SecretLocation(SecretSourceKind kind, string value, string description)
    {
        Kind = kind;
        Value = value;
        Description = description;
    }

    internal SecretSourceKind Kind { get; }

    internal string Value { get; }

    private string Description { get; }

    /// <summary>A Secrets Manager secret, by name or ARN; read through the Parameters and Secrets extension or by a signed <c>GetSecretValue</c> call.</summary>
    /// <param name="secretId">The secret's name or ARN.</param>
    public static SecretLocation SecretsManager(string secretId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(secretId);
        return new(SecretSourceKind.Secret, secretId.Trim(), $"Secrets Manager secret '{secretId.Trim()}'");
    }

    /// <summary>An SSM parameter (String or SecureString, decrypted); read through the extension or by a signed <c>GetParameter</c> call.</summary>
    /// <param name="name">The parameter's name, such as <c>/forcelink/private-key</c>.</param>
    public static SecretLocation Parameter(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new(SecretSourceKind.Parameter, name.Trim(), $"SSM parameter '{name.Trim()}'");
    }

    /// <summary>A file packaged with the function, such as <c>/var/task/server.key</c>.</summary>
    /// <param name="path">The file's path.</param>
    public static SecretLocation File(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return new(SecretSourceKind.File, path, $"file '{path}'");
    }

    internal SecretSource ToSource() => new(Kind, Value, Description);

    /// <summary>Names the location.</summary>
    /// <returns>Such as <c>Secrets Manager secret 'forcelink/key'</c>.</returns>
    public override string ToString() => Description;
}
