using System.Text.RegularExpressions;

namespace Forcelink.Lambda.Observability;

/// <summary>
/// Defence in depth for log lines and error messages: hides anything shaped like a Salesforce access token
/// (<c>00D…!…</c>, the org id stays visible) or a private key (PEM block, also with <c>\n</c> escapes, or its base64).
/// Nothing should ever log those; this catches the day something does.
/// </summary>
internal static partial class SecretMask
{
    public const string PemReplacement = "[private key redacted]";
    public const string TokenSecretReplacement = "!***";

    public static string Apply(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        var masked = PemBlock().Replace(text, PemReplacement);
        masked = Base64Key().Replace(masked, PemReplacement);
        return SalesforceToken().Replace(masked, "${org}" + TokenSecretReplacement);
    }

    // A PEM block to its END line, or to the end of the text when it was cut off.
    [GeneratedRegex(@"-----BEGIN [A-Z0-9 ]+-----.*?(-----END [A-Z0-9 ]+-----|\z)", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex PemBlock();

    // base64 of "-----BEGIN" (LS0tLS1CRUdJTi), or of a DER RSA/PKCS#8 key (MIIE..., MIIJ...): long runs only.
    [GeneratedRegex(@"(LS0tLS1CRUdJTi|MII[A-Za-z0-9+/])[A-Za-z0-9+/=]{60,}", RegexOptions.CultureInvariant)]
    private static partial Regex Base64Key();

    // Session ids: 15- or 18-character org id starting 00D, '!', then the secret part.
    [GeneratedRegex(@"\b(?<org>00D[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?)![A-Za-z0-9._\-]+", RegexOptions.CultureInvariant)]
    private static partial Regex SalesforceToken();
}
