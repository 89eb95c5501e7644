namespace Forcelink.Authentication;

/// <summary>
/// Turns a token-endpoint refusal into a message that says what is wrong and which setup step fixes it
/// (docs/deploy.md, section 2; docs/authentication.md, "Client Credentials flow").
/// </summary>
internal static class TokenErrorExplanation
{
    public static string Explain(string error, string description, in TokenRequestFacts facts)
    {
        if (facts.Flow == TokenFlow.ClientCredentials)
        {
            return ExplainClientCredentials(error, description, facts);
        }

        var said = $"Salesforce refused the JWT bearer login ({error}: {description}).";
        var fix = (error.ToLowerInvariant(), description.ToLowerInvariant()) switch
        {
            ("invalid_grant", var d) when d.Contains("hasn't approved this consumer", StringComparison.Ordinal) =>
                $"The user '{facts.Username}' is not pre-authorized for the connected app. Fix (docs/deploy.md, section 2, step 3): in Setup > App Manager > your app > Manage > Edit Policies, " +
                "set Permitted Users to 'Admin approved users are pre-authorized', then add the user's profile under Manage Profiles or a permission set assigned to the user " +
                "under Manage Permission Sets. A new or changed app can take a few minutes to replicate. If it persists, check that the audience " +
                $"'{facts.Audience}' matches the org (https://login.salesforce.com for production, https://test.salesforce.com for sandboxes).",
            ("invalid_app_access", _) =>
                $"The app is set to 'Admin approved users are pre-authorized' but the user '{facts.Username}' has neither an assigned profile nor a permission set for it. " +
                "Fix (docs/deploy.md, section 2, step 4): Manage > Manage Profiles or Manage Permission Sets, and assign the one the user has.",
            ("invalid_grant", var d) when d.Contains("audience", StringComparison.Ordinal) =>
                $"The audience (aud) '{facts.Audience}' is not accepted by this org. Use https://login.salesforce.com for production and Developer Edition, " +
                "https://test.salesforce.com for sandboxes, the site URL for Experience Cloud sites, or the org's My Domain URL for External Client Apps; " +
                "set it explicitly with the Audience option (FORCELINK_AUDIENCE).",
            ("invalid_grant", var d) when d.Contains("invalid assertion", StringComparison.Ordinal) || d.Contains("validate jwt", StringComparison.Ordinal) =>
                "The assertion was not accepted as a signed JWT from this app: most often the private key does not belong to the certificate uploaded to the connected app. " +
                "Fix (docs/deploy.md, section 2, step 2): check the pair with 'forcelink cert check --key server.key --cert server.crt' and upload the matching certificate " +
                "under 'Use digital signatures'; make sure the consumer key is of the app holding that certificate.",
            ("invalid_grant", var d) when d.Contains("expired authorization code", StringComparison.Ordinal) =>
                "Salesforce considers the assertion already expired (its exp claim is in the past by Salesforce's clock). " +
                "Fix: synchronise this machine's clock (NTP); Forcelink signs exp a few minutes ahead, so only a clock that is minutes behind causes this.",
            ("invalid_grant", var d) when d.Contains("login rate exceeded", StringComparison.Ordinal) =>
                $"The user '{facts.Username}' has logged in more than 3,600 times in the past hour, Salesforce's limit: every JWT exchange is a login. " +
                "Fix: reuse tokens (one SalesforceClient per process) and share them across Lambda containers (FORCELINK_TOKEN_TABLE); logins resume within the hour.",
            ("invalid_grant", var d) when d.Contains("authentication failure", StringComparison.Ordinal) =>
                $"The user '{facts.Username}' could not be logged in: check that the username exists in this org (sandbox usernames carry a suffix such as .dev), " +
                "and that the user is active, not frozen, and not locked out.",
            ("invalid_client_id", _) =>
                $"The consumer key '{facts.ConsumerKeyPrefix}' (iss) is not known to the org behind {facts.LoginUrl}. " +
                "Fix (docs/deploy.md, section 2, step 2): copy the Consumer Key from Setup > App Manager > your app > View > Manage Consumer Details, " +
                "and use the login URL of the org where that app lives (test.salesforce.com for a sandbox). A new app can take a few minutes to be available.",
            ("app_not_found", _) =>
                "This org's External Client App did not accept the login: since Spring '26 they reject the generic audiences. " +
                "Fix: set the audience to the org's My Domain URL (FORCELINK_AUDIENCE=https://<mydomain>.my.salesforce.com), post to that My Domain, " +
                "and check that the app's JWT bearer flow is enabled and its policies are installed in this org.",
            ("unsupported_grant_type", _) =>
                $"The login URL {facts.LoginUrl} does not offer the JWT bearer grant. Fix: use https://login.salesforce.com, https://test.salesforce.com or the My Domain URL " +
                "(not a Lightning or Visualforce URL), and make sure the connected app has 'Use digital signatures' enabled with the certificate uploaded.",
            ("invalid_request", _) =>
                "The token request was malformed. This is a defect in the caller: report it with the description above.",
            _ =>
                "Check the connected app setup (docs/deploy.md, section 2): the consumer key, the uploaded certificate, the pre-authorized user, and the login URL and audience.",
        };
        return $"{said} {fix}";
    }

    private static string ExplainClientCredentials(string error, string description, in TokenRequestFacts facts)
    {
        var said = $"Salesforce refused the client credentials login ({error}: {description}).";
        var fix = (error.ToLowerInvariant(), description.ToLowerInvariant()) switch
        {
            ("invalid_grant", var d) when d.Contains("not supported on this domain", StringComparison.Ordinal) =>
                $"The client credentials flow is served only by the org's own My Domain, and {facts.LoginUrl} is not it (login.salesforce.com and " +
                "test.salesforce.com refuse it). Fix: use your My Domain URL, https://<mydomain>.my.salesforce.com (Setup > My Domain shows it; " +
                "sandboxes: https://<mydomain>--<sandbox>.sandbox.my.salesforce.com), as FORCELINK_LOGIN_URL or LoginUrl.",
            ("invalid_grant", var d) when d.Contains("no client credentials user enabled", StringComparison.Ordinal) =>
                "The app has no Run As user for the client credentials flow, so Salesforce does not know whom the token is for. " +
                "Fix: Connected App: Setup > App Manager > your app > Manage > Edit Policies > Client Credentials Flow > Run As, pick the integration user; " +
                "External Client App: Setup > External Client App Manager > your app > Policies > OAuth Policies > Enable Client Credentials Flow, and set the Run As username. " +
                "Check too that 'Enable Client Credentials Flow' is ticked in the app's OAuth settings.",
            ("invalid_grant", var d) when d.Contains("not enabled", StringComparison.Ordinal) =>
                "The app does not allow the client credentials flow. Fix: in the app's OAuth settings tick 'Enable Client Credentials Flow', then set its Run As user " +
                "(Connected App: Manage > Edit Policies > Client Credentials Flow; External Client App: Policies > OAuth Policies).",
            ("invalid_grant", var d) when d.Contains("login rate exceeded", StringComparison.Ordinal) =>
                "The app's Run As user has logged in more than 3,600 times in the past hour, Salesforce's limit: every token exchange is a login. " +
                "Fix: reuse tokens (one SalesforceClient per process) and share them across Lambda containers (FORCELINK_TOKEN_TABLE); logins resume within the hour.",
            ("invalid_client_id", _) =>
                $"The consumer key '{facts.ConsumerKeyPrefix}' is not known to the org behind {facts.LoginUrl}. " +
                "Fix: copy the Consumer Key (Setup > App Manager > your app > View > Manage Consumer Details; External Client Apps: Settings > OAuth Settings > Consumer Key and Secret), " +
                "and use the My Domain URL of the org where that app lives. A new app can take a few minutes to be available.",
            ("invalid_client", _) =>
                $"The consumer secret is not the one of the app with consumer key '{facts.ConsumerKeyPrefix}'. " +
                "Fix: copy the Consumer Secret again (Setup > App Manager > your app > View > Manage Consumer Details; it may have been rotated) into " +
                "FORCELINK_CLIENT_SECRET (or the file, secret or parameter it is read from), without surrounding spaces or line breaks.",
            ("unsupported_grant_type", _) =>
                $"{facts.LoginUrl} does not offer the client credentials grant. Fix: use the org's My Domain URL (https://<mydomain>.my.salesforce.com, not a " +
                "Lightning or Visualforce URL), and tick 'Enable Client Credentials Flow' in the app's OAuth settings.",
            ("invalid_app_access", _) or ("invalid_grant", _) when description.Contains("admin approved", StringComparison.OrdinalIgnoreCase) =>
                "The app's Run As user is not allowed to use the app. Fix: give the Run As user the app's profile or permission set (Manage > Manage Profiles or Manage Permission Sets).",
            ("invalid_request", _) =>
                "The token request was malformed. This is a defect in the caller: report it with the description above.",
            _ =>
                "Check the app setup (docs/authentication.md, 'Client Credentials flow'): 'Enable Client Credentials Flow' ticked, a Run As user set, " +
                "the consumer key and secret copied from this org's app, and the login URL being the org's My Domain.",
        };
        return $"{said} {fix}";
    }

    public static string ExplainNonJson(int statusCode, string? title, in TokenRequestFacts facts) =>
        $"The token endpoint {facts.TokenEndpoint} answered HTTP {statusCode} with a page that is not Salesforce's JSON" +
        (string.IsNullOrWhiteSpace(title) ? "." : $" ('{title.Trim()}').") +
        " The org may be down for maintenance or still being created ('Data Not Available'), or the login URL points to a host without the OAuth endpoint. " +
        "Fix: check the login URL (https://login.salesforce.com, https://test.salesforce.com or the My Domain URL) and the org's status at status.salesforce.com, then try again.";

    public static string ExplainUnavailable(TransientTokenFailure failure, int attempts, TimeSpan elapsed, in TokenRequestFacts facts)
    {
        var tried = attempts == 1 ? "once" : $"{attempts} times";
        var after = $"after {attempts} attempt{(attempts == 1 ? "" : "s")} over {elapsed.TotalSeconds:0} s";
        const string StatusAdvice = "Try again in a few minutes; if it persists, check the org's instance at status.salesforce.com.";
        if (failure.StatusCode > 0 && failure.PageKind is null)
        {
            return $"Salesforce's token endpoint {facts.TokenEndpoint} answered {failure.StatusCode} {failure.ErrorCode}: {failure.Description?.TrimEnd('.', ' ')} {after}. " +
                $"This is a transient problem on Salesforce's side, not a setup error: the login was tried {tried}. {StatusAdvice}";
        }

        if (failure.StatusCode > 0)
        {
            return $"The token endpoint {facts.TokenEndpoint} answered HTTP {failure.StatusCode} with {failure.PageKind} that is not Salesforce's JSON" +
                (string.IsNullOrWhiteSpace(failure.PageTitle) ? "" : $" ('{failure.PageTitle.Trim()}')") + $", {after}. " +
                $"This is most likely a transient problem on Salesforce's side, not a setup error: the login was tried {tried}, and the org may be down for maintenance " +
                $"or still being created ('Data Not Available'). {StatusAdvice} If it never works, check the login URL " +
                "(https://login.salesforce.com, https://test.salesforce.com or the My Domain URL).";
        }

        var what = failure.TimedOut
            ? $"The token endpoint {facts.TokenEndpoint} did not answer " + (failure.Limit is { } limit ? $"within {limit.TotalSeconds:0} s" : "in time (the HttpClient's Timeout)")
            : $"Could not reach the token endpoint {facts.TokenEndpoint} ({failure.Cause?.Message.TrimEnd('.', ' ')})";
        return $"{what}, {after}. This is most likely a transient problem on Salesforce's side or the network's, not a setup error: the login was tried {tried}. " +
            "Try again in a few minutes; if it persists, check the login URL and that this machine or function can reach the internet (VPC NAT or endpoint).";
    }
}

/// <summary>What the explanation may mention about the request. Never the assertion, the key or the secret.</summary>
internal readonly record struct TokenRequestFacts(TokenFlow Flow, string Username, string ConsumerKeyPrefix, string Audience, Uri LoginUrl, Uri TokenEndpoint);

internal enum TokenFlow
{
    JwtBearer,
    ClientCredentials,
}
