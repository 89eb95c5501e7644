namespace Forcelink.Configuration;

/// <summary>
/// Where a secret's text comes from (the JWT signing key, the client secret): inline in a variable, a file, a Secrets
/// Manager secret or an SSM parameter, named by the variable that set it so that messages can point at it.
/// </summary>
internal sealed record SecretSource(SecretSourceKind Kind, string Value, string VariableName)
{
    /// <summary>One of the four <c>FORCELINK_PRIVATE_KEY*</c> variables.</summary>
    public static SecretSource PrivateKey(SecretSourceKind kind, string value) => new(kind, value, kind switch
    {
        SecretSourceKind.Text => SettingNames.PrivateKey,
        SecretSourceKind.File => SettingNames.PrivateKeyFile,
        SecretSourceKind.Secret => SettingNames.PrivateKeySecretId,
        _ => SettingNames.PrivateKeyParameter,
    });

    /// <summary>One of the four <c>FORCELINK_CLIENT_SECRET*</c> variables.</summary>
    public static SecretSource ClientSecret(SecretSourceKind kind, string value) => new(kind, value, kind switch
    {
        SecretSourceKind.Text => SettingNames.ClientSecret,
        SecretSourceKind.File => SettingNames.ClientSecretFile,
        SecretSourceKind.Secret => SettingNames.ClientSecretSecretId,
        _ => SettingNames.ClientSecretParameter,
    });

    /// <summary>Says where the secret comes from without showing it: inline text is described by its length only.</summary>
    public override string ToString() => Kind == SecretSourceKind.Text
        ? $"{VariableName} (inline, {Value.Length} characters)"
        : $"{VariableName}={Value}";
}

internal enum SecretSourceKind
{
    Text,
    File,
    Secret,
    Parameter,
}
