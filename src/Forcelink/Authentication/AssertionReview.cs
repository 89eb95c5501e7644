using System.Globalization;
using System.Text.Json.Nodes;

namespace Forcelink.Authentication;

/// <summary>One thing wrong with a JWT bearer assertion.</summary>
/// <param name="IsProblem"><see langword="true"/> when Salesforce refuses such an assertion (or it cannot work);
/// <see langword="false"/> for a warning: against Salesforce's documentation, but accepted in practice.</param>
/// <param name="Message">What is wrong and what the claim should be.</param>
internal sealed record AssertionFinding(bool IsProblem, string Message);

/// <summary>
/// Checks a decoded assertion's header and claims against salesforce-protocol.md §1.2 and §1.3, for
/// <c>forcelink jwt decode</c>. The signature is not checked: only Salesforce holds the certificate that verifies it.
/// </summary>
internal static class AssertionReview
{
    // exp beyond this is not a time in seconds: almost always milliseconds by mistake.
    private const long LastSecondOf9999 = 253402300799;

    /// <summary>Every finding, problems and warnings, in the order of the header and claims.</summary>
    public static IReadOnlyList<AssertionFinding> Review(JsonObject header, JsonObject claims, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(claims);
        var findings = new List<AssertionFinding>();
        if (header["alg"]?.ToString() is not "RS256")
        {
            findings.Add(new(true, $"alg is '{header["alg"]}'; Salesforce accepts RS256 only (RSA with SHA-256, signed with the key of the certificate uploaded to the app)."));
        }

        if (claims["iss"] is null)
        {
            findings.Add(new(true, "no 'iss' claim: it must be the app's Consumer Key."));
        }

        // "prn" is the legacy name of the subject, still accepted.
        if (claims["sub"] is null && claims["prn"] is null)
        {
            findings.Add(new(true, "no 'sub' claim: it must be the integration user's username."));
        }

        ReviewAudience(claims["aud"], findings);
        ReviewExpiry(claims["exp"], now, findings);
        return findings;
    }

    /// <summary>When the assertion expires, or <see langword="null"/> when <c>exp</c> is missing or not a time in seconds.</summary>
    public static DateTimeOffset? Expiry(JsonObject claims)
    {
        ArgumentNullException.ThrowIfNull(claims);
        return claims["exp"] is JsonValue value
            && long.TryParse(value.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)
            && seconds is >= 0 and <= LastSecondOf9999
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : null;
    }

    private static void ReviewAudience(JsonNode? audience, List<AssertionFinding> findings)
    {
        if (audience is null)
        {
            findings.Add(new(true, $"no 'aud' claim: it must be {LoginAudience.Production} (production), {LoginAudience.Sandbox} (sandbox), or the My Domain URL for an External Client App."));
            return;
        }

        var values = audience is JsonArray array ? array.Select(a => a?.ToString() ?? "").ToList() : [audience.ToString()];
        foreach (var value in values)
        {
            var text = value.Contains("://", StringComparison.Ordinal) ? value : "https://" + value;
            if (!Uri.TryCreate(text, UriKind.Absolute, out var url))
            {
                findings.Add(new(true, $"aud '{value}' is not a URL: it must be {LoginAudience.Production} (production) or {LoginAudience.Sandbox} (sandbox)."));
                continue;
            }

            var host = url.Host.ToLowerInvariant();
            if (host.EndsWith(".lightning.force.com", StringComparison.Ordinal))
            {
                findings.Add(new(true, $"aud '{value}' is a Lightning URL, which Salesforce does not accept as an audience: use {LoginAudience.Production} " +
                    $"(production), {LoginAudience.Sandbox} (sandbox), or the My Domain URL (https://<mydomain>.my.salesforce.com) for an External Client App."));
            }
            else if (host.EndsWith(".my.salesforce.com", StringComparison.Ordinal))
            {
                var generic = host.EndsWith(".sandbox.my.salesforce.com", StringComparison.Ordinal) ? LoginAudience.Sandbox : LoginAudience.Production;
                findings.Add(new(false, $"aud '{value}' is a My Domain URL: External Client Apps accept it, but a Connected App documents {generic} " +
                    $"and may answer 'audience is invalid'. Keep it only for an External Client App (FORCELINK_AUDIENCE)."));
            }
            else if (host is not ("login.salesforce.com" or "test.salesforce.com") && host.EndsWith(".salesforce.com", StringComparison.Ordinal))
            {
                findings.Add(new(true, $"aud '{value}' is an instance URL, not an audience: use {LoginAudience.Production} (production) or {LoginAudience.Sandbox} (sandbox); " +
                    "the instance URL is where REST calls go after the login."));
            }
        }
    }

    private static void ReviewExpiry(JsonNode? exp, DateTimeOffset now, List<AssertionFinding> findings)
    {
        if (exp is not JsonValue value)
        {
            findings.Add(new(true, "no 'exp' claim: it must be the expiry in seconds since 1970 (UTC), within 3 minutes from now."));
            return;
        }

        var text = value.ToString();
        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds))
        {
            findings.Add(new(true, $"exp '{text}' is not a number of seconds since 1970."));
            return;
        }

        if (seconds > LastSecondOf9999)
        {
            findings.Add(new(false, $"exp {seconds} is beyond the year 9999: probably milliseconds instead of seconds. Salesforce documents 'within 3 minutes' " +
                "(it has been seen to accept later ones); an assertion that never expires can be replayed by whoever sees it."));
            return;
        }

        var left = DateTimeOffset.FromUnixTimeSeconds(seconds) - now;
        if (left <= TimeSpan.Zero)
        {
            findings.Add(new(true, "the assertion has expired: Salesforce answers 'expired authorization code'. Sign a new one; if it was just signed, check this machine's clock."));
        }
        else if (left > JwtBearerCredentialOptions.MaxAssertionLifetime)
        {
            findings.Add(new(false, $"exp is {(int)left.TotalMinutes} min {left.Seconds} s ahead; Salesforce documents 'within 3 minutes' (it has been seen to accept more), " +
                "and a long-lived assertion can be replayed by whoever sees it."));
        }
    }
}
