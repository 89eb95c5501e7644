using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Forcelink.Emulator.Api;
using Forcelink.Emulator.Hosting;
using Forcelink.Emulator.Org;

namespace Forcelink.Emulator.Auth;

internal sealed record TokenOutcome(int Status, byte[] Body);

/// <summary>POST /services/oauth2/token for the JWT bearer and client credentials grants, with Salesforce's error strings.</summary>
internal sealed class TokenEndpoint(EmulatedOrg org)
{
    public const string JwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    public const string ClientCredentialsGrant = "client_credentials";

    /// <param name="form">The form fields.</param>
    /// <param name="baseUrl">The emulator's own URL, its My Domain.</param>
    /// <param name="authorization">The request's Authorization header, where a client may send its id and secret (HTTP Basic).</param>
    public TokenOutcome Exchange(IReadOnlyDictionary<string, string> form, Uri baseUrl, string? authorization = null)
    {
        form.TryGetValue("grant_type", out var grantType);
        if (grantType == ClientCredentialsGrant)
        {
            return ClientCredentials(form, baseUrl, authorization);
        }

        if (grantType != JwtBearerGrant)
        {
            return Error("unsupported_grant_type", "grant type not supported");
        }

        if (!form.TryGetValue("assertion", out var assertion) || assertion.Length == 0)
        {
            return Error("invalid_request", "missing required parameter: assertion");
        }

        if (!TryDecode(assertion, out var header, out var claims, out var signedPart, out var signature)
            || !string.Equals(Text(header, "alg"), "RS256", StringComparison.Ordinal))
        {
            return Error("invalid_grant", "invalid assertion");
        }

        if (Text(claims, "iss") is not { } issuer || org.FindApp(issuer) is not { } app)
        {
            return Error("invalid_client_id", "client identifier invalid");
        }

        if (!Verify(app, signedPart, signature))
        {
            return Error("invalid_grant", "invalid assertion");
        }

        if (!AudienceAccepted(claims, app, baseUrl))
        {
            return app.Kind == AppKind.ExternalClientApp
                ? Error("app_not_found", "External client app is not installed in this org")
                : Error("invalid_grant", "audience is invalid");
        }

        if (!TryExpiry(claims, out var expiry))
        {
            return Error("invalid_grant", "invalid assertion");
        }

        if (expiry <= org.TimeProvider.GetUtcNow().ToUnixTimeSeconds())
        {
            return Error("invalid_grant", "expired authorization code");
        }

        // "prn" is the legacy name of the subject and wins when both are present.
        var username = Text(claims, "prn") ?? Text(claims, "sub");
        if (username is null || org.FindUser(username) is not { } user || !OrgDirectory.IsPreAuthorized(user, app))
        {
            return Error("invalid_grant", "user hasn't approved this consumer");
        }

        if (!org.Logins.TryRecord(user))
        {
            return Error("invalid_grant", "login rate exceeded");
        }

        return Granted(user, app, baseUrl);
    }

    /// <summary>
    /// The order of the checks is the emulator's choice (Salesforce does not document it): where the request went, then
    /// who the client is, then whom the app runs as.
    /// </summary>
    private TokenOutcome ClientCredentials(IReadOnlyDictionary<string, string> form, Uri baseUrl, string? authorization)
    {
        if (org.Options.GenericLoginHost)
        {
            return Error("invalid_grant", "request not supported on this domain");
        }

        string? clientId;
        string? clientSecret;
        if (authorization is not null && authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            if (!TryBasic(authorization[6..].Trim(), out clientId, out clientSecret))
            {
                return Error("invalid_client", "invalid client credentials");
            }
        }
        else
        {
            form.TryGetValue("client_id", out clientId);
            form.TryGetValue("client_secret", out clientSecret);
        }

        if (string.IsNullOrEmpty(clientId) || org.FindApp(clientId) is not { } app)
        {
            return Error("invalid_client_id", "client identifier invalid");
        }

        if (app.ConsumerSecret is null || clientSecret is null
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(clientSecret), Encoding.UTF8.GetBytes(app.ConsumerSecret)))
        {
            return Error("invalid_client", "invalid client credentials");
        }

        if (app.ClientCredentialsUser is not { } runAs || org.FindUser(runAs) is not { } user)
        {
            return Error("invalid_grant", "no client credentials user enabled");
        }

        if (!org.Logins.TryRecord(user))
        {
            return Error("invalid_grant", "login rate exceeded");
        }

        return Granted(user, app, baseUrl);
    }

    /// <summary>RFC 6749 §2.3.1: base64 of the form-encoded id and secret joined by ':'.</summary>
    private static bool TryBasic(string encoded, out string? clientId, out string? clientSecret)
    {
        clientId = clientSecret = null;
        string pair;
        try
        {
            pair = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
        }
        catch (FormatException)
        {
            return false;
        }

        var colon = pair.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return false;
        }

        clientId = Uri.UnescapeDataString(pair[..colon].Replace('+', ' '));
        clientSecret = Uri.UnescapeDataString(pair[(colon + 1)..].Replace('+', ' '));
        return true;
    }

    private TokenOutcome Granted(OrgUser user, AppOptions app, Uri baseUrl)
    {
        var session = org.Sessions.Issue(user, app);
        var root = baseUrl.GetLeftPart(UriPartial.Authority);
        var id = $"{root}/id/{org.OrgId}/{user.Id}";
        var issuedAt = session.IssuedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, Api.ApiResult.WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("access_token", session.Token);
            w.WriteString("scope", "api");
            w.WriteString("instance_url", root);
            w.WriteString("id", id);
            w.WriteString("token_type", "Bearer");
            w.WriteString("issued_at", issuedAt);
            w.WriteString("signature", org.Sessions.Sign(id + issuedAt));
            w.WriteEndObject();
        }

        return new TokenOutcome(200, buffer.ToArray());
    }

    public static TokenOutcome Error(string error, string description)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, Api.ApiResult.WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("error", error);
            w.WriteString("error_description", description);
            w.WriteEndObject();
        }

        return new TokenOutcome(400, buffer.ToArray());
    }

    private static bool TryDecode(string assertion, out JsonElement header, out JsonElement claims, out byte[] signedPart, out byte[] signature)
    {
        header = default;
        claims = default;
        signedPart = [];
        signature = [];
        var parts = assertion.Split('.');
        if (parts.Length != 3)
        {
            return false;
        }

        try
        {
            header = JsonBodies.Detached(Base64Url(parts[0]));
            claims = JsonBodies.Detached(Base64Url(parts[1]));
            signature = Base64Url(parts[2]);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return false;
        }

        signedPart = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        return header.ValueKind == JsonValueKind.Object && claims.ValueKind == JsonValueKind.Object && signature.Length > 0;
    }

    private static byte[] Base64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        padded += (padded.Length % 4) switch
        {
            2 => "==",
            3 => "=",
            0 => "",
            _ => throw new FormatException("Invalid base64url length."),
        };
        return Convert.FromBase64String(padded);
    }

    private static bool Verify(AppOptions app, byte[] signedPart, byte[] signature)
    {
        try
        {
            using var certificate = X509Certificate2.CreateFromPem(app.CertificatePem);
            using var rsa = certificate.GetRSAPublicKey();
            return rsa is not null && rsa.VerifyData(signedPart, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private bool AudienceAccepted(JsonElement claims, AppOptions app, Uri baseUrl)
    {
        if (!claims.TryGetProperty("aud", out var aud))
        {
            return false;
        }

        var values = aud.ValueKind switch
        {
            JsonValueKind.String => [aud.GetString()!],
            JsonValueKind.Array => aud.EnumerateArray().Where(a => a.ValueKind == JsonValueKind.String).Select(a => a.GetString()!).ToArray(),
            _ => Array.Empty<string>(),
        };
        var myDomain = $"{baseUrl.Host}:{baseUrl.Port}";
        var accepted = new List<string> { myDomain, $"localhost:{baseUrl.Port}" };
        if (org.Options.Kind == OrgKind.Sandbox)
        {
            // Since Spring '26 external client apps no longer accept the legacy test.salesforce.com audience.
            if (app.Kind == AppKind.ConnectedApp)
            {
                accepted.Add("test.salesforce.com");
            }
        }
        else
        {
            accepted.Add("login.salesforce.com");
        }

        return values.Any(v => accepted.Contains(Normalize(v), StringComparer.OrdinalIgnoreCase));
    }

    private static string Normalize(string audience)
    {
        var value = audience.Trim();
        var scheme = value.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            value = value[(scheme + 3)..];
        }

        return value.TrimEnd('/');
    }

    private static bool TryExpiry(JsonElement claims, out long expiry)
    {
        expiry = 0;
        if (!claims.TryGetProperty("exp", out var exp))
        {
            return false;
        }

        // The documented example sends exp as a JSON string; sfdx-core sends milliseconds (far future), both accepted.
        return exp.ValueKind switch
        {
            JsonValueKind.Number => exp.TryGetInt64(out expiry) || (exp.TryGetDouble(out var d) && (expiry = (long)d) == expiry),
            JsonValueKind.String => long.TryParse(exp.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out expiry),
            _ => false,
        };
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
