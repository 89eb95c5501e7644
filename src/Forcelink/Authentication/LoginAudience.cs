namespace Forcelink.Authentication;

/// <summary>The default JWT audience for a login URL, following Salesforce's documented audiences.</summary>
internal static class LoginAudience
{
    public const string Production = "https://login.salesforce.com";
    public const string Sandbox = "https://test.salesforce.com";

    public static string Default(Uri loginUrl)
    {
        var host = loginUrl.Host.ToLowerInvariant();
        if (host == "test.salesforce.com"
            || host.EndsWith(".sandbox.my.salesforce.com", StringComparison.Ordinal)
            || host.EndsWith(".scratch.my.salesforce.com", StringComparison.Ordinal)
            || IsLegacySandboxInstance(host))
        {
            return Sandbox;
        }

        // Experience Cloud: the documented audience is the site URL itself, path included (https://site.force.com/customers).
        if (host.EndsWith(".my.site.com", StringComparison.Ordinal)
            || host.EndsWith(".site.com", StringComparison.Ordinal)
            || (host.EndsWith(".force.com", StringComparison.Ordinal) && !host.EndsWith(".lightning.force.com", StringComparison.Ordinal)))
        {
            return loginUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');
        }

        if (host == "salesforce.com" || host.EndsWith(".salesforce.com", StringComparison.Ordinal))
        {
            return Production;
        }

        // Not a Salesforce host (the emulator, a proxy): the login URL itself, as sfdx-core tries for My Domain.
        return loginUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');
    }

    // Pre-enhanced-domain sandbox instances were cs<N>.salesforce.com.
    private static bool IsLegacySandboxInstance(string host) =>
        host.StartsWith("cs", StringComparison.Ordinal)
        && host.EndsWith(".salesforce.com", StringComparison.Ordinal)
        && host.Length > "cs.salesforce.com".Length
        && host.AsSpan(2, host.Length - 2 - ".salesforce.com".Length).ContainsAnyExceptInRange('0', '9') is false;
}
