namespace Forcelink.Lambda.Configuration;

/// <summary>Where the JWT signing key comes from: exactly one of the four <c>FORCELINK_PRIVATE_KEY*</c> variables.</summary>
internal sealed record PrivateKeySource(PrivateKeySourceKind Kind, string Value)
{
    public string VariableName => Kind switch
    {
        PrivateKeySourceKind.Text => EnvironmentVariables.PrivateKey,
        PrivateKeySourceKind.File => EnvironmentVariables.PrivateKeyFile,
        PrivateKeySourceKind.Secret => EnvironmentVariables.PrivateKeySecretId,
        _ => EnvironmentVariables.PrivateKeyParameter,
    };

    /// <summary>Says where the key comes from without showing it: inline text is described by its length only.</summary>
    public override string ToString() => Kind == PrivateKeySourceKind.Text
        ? $"{VariableName} (inline, {Value.Length} characters)"
        : $"{VariableName}={Value}";
}

internal enum PrivateKeySourceKind
{
    Text,
    File,
    Secret,
    Parameter,
}
