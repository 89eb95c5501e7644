using Forcelink.Configuration;
using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Forcelink.Authentication;
using Forcelink.Cli.Configuration;

namespace Forcelink.Cli.Commands;

/// <summary>
/// <c>forcelink doctor</c>: the setup guide's steps and pitfalls as checks, in the order a login depends on them. The
/// first failure is the diagnosis: later checks would only fail because of it, so they are skipped, and the fix shown
/// is for the one broken thing.
/// </summary>
internal sealed class DoctorCommand : CliCommand
{
    public const string ConfigurationCheck = "configuration";
    public const string KeyCheck = "private key";
    public const string SecretCheck = "client secret";
    public const string CertificateCheck = "certificate";
    public const string ReachableCheck = "login host reachable";
    public const string TokenCheck = "token exchange";
    public const string RestCheck = "REST API access";
    public const string LeadCheck = "Lead permissions";
    public const string CaseCheck = "Case permissions";
    public const string UsageCheck = "API usage headroom";

    private const double UsageLimit = 0.9;

    private readonly Option<bool> _json = JsonOption.Create();

    public DoctorCommand(CliContext context)
        : base("doctor", "Check the setup step by step: configuration, key and certificate (or client secret), login host, token exchange, REST access, Lead and Case permissions, API usage. Each failure comes with its fix.", context)
    {
        Options.Add(_json);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var checks = await RunChecksAsync(parseResult.GetValue<string?>(GlobalOptions.OrgName), cancellationToken);
        var passed = checks.All(c => c.Status is CheckStatus.Passed or CheckStatus.Warning or CheckStatus.NotApplicable);
        if (parseResult.GetValue(_json))
        {
            var array = new JsonArray();
            foreach (var check in checks)
            {
                array.Add(new JsonObject
                {
                    ["check"] = check.Name,
                    ["status"] = check.Status.ToString().ToLowerInvariant(),
                    ["detail"] = check.Detail,
                    ["fix"] = check.Fix,
                });
            }

            await Output.WriteLineAsync(CliJson.Write(new JsonObject { ["ok"] = passed, ["checks"] = array }));
        }
        else
        {
            foreach (var check in checks)
            {
                await Output.WriteLineAsync($"{Label(check.Status)} {check.Name}{(check.Detail is null ? "" : $": {check.Detail}")}");
                if (check.Fix is not null)
                {
                    foreach (var line in check.Fix.Split('\n'))
                    {
                        await Output.WriteLineAsync($"       fix: {line}");
                    }
                }
            }

            await Output.WriteLineAsync(passed
                ? "All checks passed: the Lambda function can use these settings."
                : $"{checks.Count(c => c.Status == CheckStatus.Failed)} check failed; {checks.Count(c => c.Status == CheckStatus.Skipped)} skipped until it is fixed. Run 'forcelink doctor' again after the fix.");
        }

        return passed ? ExitCodes.Success : ExitCodes.DoctorFailed;
    }

    private static string Label(CheckStatus status) => status switch
    {
        CheckStatus.Passed => "[pass]",
        CheckStatus.Failed => "[FAIL]",
        CheckStatus.NotApplicable => "[ n/a]",
        CheckStatus.Warning => "[warn]",
        _ => "[skip]",
    };

    private async Task<List<DoctorCheck>> RunChecksAsync(string? org, CancellationToken cancellationToken)
    {
        var results = new List<DoctorCheck>();
        var names = new[] { ConfigurationCheck, KeyCheck, CertificateCheck, ReachableCheck, TokenCheck, RestCheck, LeadCheck, CaseCheck, UsageCheck };
        var clientCredentialsNames = new[] { ConfigurationCheck, SecretCheck, ReachableCheck, TokenCheck, RestCheck, LeadCheck, CaseCheck, UsageCheck };

        List<DoctorCheck> StopAfter(DoctorCheck failed)
        {
            results.Add(failed);
            results.AddRange(names.Skip(results.Count).Select(n => new DoctorCheck(n, CheckStatus.Skipped, $"skipped: '{failed.Name}' failed", null)));
            return results;
        }

        // 1. Configuration.
        OrgSettings settings;
        try
        {
            settings = await OrgSettingsReader.ReadAsync(Context, org, cancellationToken);
        }
        catch (CliException e)
        {
            return StopAfter(new DoctorCheck(ConfigurationCheck, CheckStatus.Failed, "the settings cannot be read", e.Message));
        }

        if (settings.IsClientCredentials)
        {
            names = clientCredentialsNames;
        }

        var errors = settings.Validate();
        if (errors.Count > 0)
        {
            return StopAfter(new DoctorCheck(ConfigurationCheck, CheckStatus.Failed, $"{errors.Count} problem{(errors.Count == 1 ? "" : "s")} in the {settings.Source}", string.Join('\n', errors)));
        }

        results.Add(new DoctorCheck(ConfigurationCheck, CheckStatus.Passed, settings.IsClientCredentials
            ? $"{settings.Source}: client credentials flow at {settings.LoginUrl}"
            : $"{settings.Source}: {settings.Username} at {settings.LoginUrl}", null));

        using var connection = settings.IsClientCredentials
            ? await ClientCredentialsConnectionAsync(settings, results, cancellationToken)
            : await JwtConnectionAsync(settings, results, cancellationToken);
        if (connection is null)
        {
            var failed = results[^1];
            results.RemoveAt(results.Count - 1);
            return StopAfter(failed);
        }

        return await RunLoginChecksAsync(connection, results, StopAfter, cancellationToken);
    }

    /// <summary>Steps 2 and 3 of the client credentials flow: the secret can be read. Adds a failed check and returns null when not.</summary>
    private async Task<OrgConnection?> ClientCredentialsConnectionAsync(OrgSettings settings, List<DoctorCheck> results, CancellationToken cancellationToken)
    {
        var source = settings.Values.ClientSecret!;
        var from = source.Kind == SecretSourceKind.File
            ? $"{settings.Name(SettingNames.ClientSecretFile)} ({source.Value})"
            : settings.Name(source.VariableName);
        try
        {
            var secret = await OrgConnection.LoadClientSecretAsync(settings, cancellationToken);
            var connection = OrgConnection.CreateClientCredentials(Context, settings, secret);
            results.Add(new DoctorCheck(SecretCheck, CheckStatus.Passed, $"read from {from}, {secret.Length} characters", null));
            return connection;
        }
        catch (CliException e)
        {
            results.Add(new DoctorCheck(SecretCheck, CheckStatus.Failed, $"the client secret from {from} is not usable", e.Message));
            return null;
        }
    }

    /// <summary>Steps 2 and 3 of the JWT bearer flow: the key, and the certificate when one is configured. Adds a failed check and returns null when not.</summary>
    private async Task<OrgConnection?> JwtConnectionAsync(OrgSettings settings, List<DoctorCheck> results, CancellationToken cancellationToken)
    {
        // 2. Private key.
        RsaSigningKey key;
        try
        {
            key = await OrgConnection.LoadKeyAsync(settings, cancellationToken);
        }
        catch (CliException e)
        {
            results.Add(new DoctorCheck(KeyCheck, CheckStatus.Failed, "the private key is not usable", CliException.MessageOf(e)));
            return null;
        }

        results.Add(new DoctorCheck(KeyCheck, CheckStatus.Passed, key.ToString(), null));

        // 3. Certificate, when one is configured: the pitfall "certificate mismatches", found before Salesforce is asked.
        if (settings.Values.CertificateFile is { } certificatePath)
        {
            CertificateCheckResult check;
            try
            {
                check = await CertCheckCommand.CheckAsync(null, key.ExportPkcs8Pem(), certificatePath, Context.TimeProvider, cancellationToken: cancellationToken);
            }
            catch (CliException e)
            {
                key.Dispose();
                results.Add(new DoctorCheck(CertificateCheck, CheckStatus.Failed, $"{certificatePath} is not usable", CliException.MessageOf(e)));
                return null;
            }

            if (check.Problems.Count > 0)
            {
                key.Dispose();
                results.Add(new DoctorCheck(CertificateCheck, CheckStatus.Failed, $"{certificatePath} ({check.Subject})", string.Join('\n', check.Problems)));
                return null;
            }

            // Expiry stops every login, so it is announced while there is time to rotate; it does not fail the check yet.
            results.Add(check.ExpiresIn < TimeSpan.FromDays(settings.Values.CertificateWarningDays)
                ? new DoctorCheck(CertificateCheck, CheckStatus.Warning, $"{certificatePath} matches the key but expires on {check.NotAfter:yyyy-MM-dd}, in {check.ExpiresIn.Days} days",
                    "Rotate the key before then: forcelink keygen --out <new directory>, upload the new server.crt to the app, then update the key (and certificate)\n" +
                    "where the function reads them; docs/authentication.md, \"Key rotation\", has the steps.")
                : new DoctorCheck(CertificateCheck, CheckStatus.Passed, $"{certificatePath} matches the key, valid until {check.NotAfter:yyyy-MM-dd} ({check.ExpiresIn.Days} days left)", null));
        }
        else
        {
            results.Add(new DoctorCheck(CertificateCheck, CheckStatus.NotApplicable,
                $"no certificate file configured; set {settings.Name(SettingNames.CertificateFile)} to the server.crt uploaded to the app to check that it matches the key", null));
        }

        return OrgConnection.Create(Context, settings, key);
    }

    private async Task<List<DoctorCheck>> RunLoginChecksAsync(OrgConnection connection, List<DoctorCheck> results, Func<DoctorCheck, List<DoctorCheck>> stopAfter, CancellationToken cancellationToken)
    {

        // 4. Login host reachable: a network problem must not read as an authentication problem.
        using (var http = Context.Transport is { } transport ? new HttpClient(transport, disposeHandler: false) : new HttpClient())
        {
            http.Timeout = TimeSpan.FromSeconds(15);
            try
            {
                using var response = await http.GetAsync(connection.LoginUrl, cancellationToken);
                results.Add(new DoctorCheck(ReachableCheck, CheckStatus.Passed, $"{connection.LoginUrl} answered HTTP {(int)response.StatusCode}", null));
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                return stopAfter(new DoctorCheck(ReachableCheck, CheckStatus.Failed, $"{connection.LoginUrl} did not answer: {e.Message}",
                    "Check the login URL's spelling, DNS, any proxy (HTTPS_PROXY), and that this machine (or the Lambda's VPC, through a NAT gateway) can reach the internet."));
            }
        }

        // 5. Token exchange: the library's message already names the setup step that fixes each OAuth error.
        AccessToken token;
        try
        {
            token = await connection.Client.GetTokenAsync(cancellationToken);
        }
        catch (SalesforceException e)
        {
            return stopAfter(new DoctorCheck(TokenCheck, CheckStatus.Failed, $"{e.ErrorCode}: {e.Description}", e.Message));
        }

        results.Add(new DoctorCheck(TokenCheck, CheckStatus.Passed,
            $"logged in as {connection.Subject} (org {token.OrganizationId}, user {token.UserId}, scopes '{string.Join(' ', token.Scopes)}', instance {token.InstanceUrl})", null));

        // 6. REST access.
        try
        {
            var versions = await connection.Client.GetApiVersionsAsync(cancellationToken);
            await connection.Client.GetLimitsAsync(cancellationToken);
            var version = await connection.Client.GetApiVersionAsync(cancellationToken);
            results.Add(new DoctorCheck(RestCheck, CheckStatus.Passed, $"{versions.Count} API versions offered; using v{version}; limits readable", null));
        }
        catch (SalesforceException e)
        {
            return stopAfter(new DoctorCheck(RestCheck, CheckStatus.Failed, $"{e.ErrorCode}: {e.Description}",
                $"{e.Message}\nThe token works but the REST API refused it: give the connected app the 'api' scope, and the user the 'API Enabled' permission (profile or permission set)."));
        }

        // 7. Permissions on the objects the function works on.
        foreach (var (objectName, name) in new[] { ("Lead", LeadCheck), ("Case", CaseCheck) })
        {
            var failed = await CheckObjectAsync(connection.Client, objectName, name, connection.Subject, cancellationToken);
            if (failed.Status == CheckStatus.Failed)
            {
                return stopAfter(failed);
            }

            results.Add(failed);
        }

        // 8. API usage headroom.
        if (connection.Client.ApiUsage is { } usage)
        {
            var detail = $"{usage.Used:N0} of {usage.Max:N0} daily requests used ({usage.Share.ToString("P1", CultureInfo.InvariantCulture)})";
            results.Add(usage.Share < UsageLimit
                ? new DoctorCheck(UsageCheck, CheckStatus.Passed, detail, null)
                : new DoctorCheck(UsageCheck, CheckStatus.Failed, detail,
                    "The org is close to its 24-hour API request limit: calls fail with REQUEST_LIMIT_EXCEEDED once it is reached. Find the heavy callers (Setup > System Overview, API Usage reports), batch writes (sObject Collections, as 'forcelink import' does), or buy more capacity."));
        }
        else
        {
            results.Add(new DoctorCheck(UsageCheck, CheckStatus.NotApplicable, "the org did not send Sforce-Limit-Info", null));
        }

        return results;
    }

    private static async Task<DoctorCheck> CheckObjectAsync(SalesforceClient client, string objectName, string checkName, string username, CancellationToken cancellationToken)
    {
        var fix = $"Give {username} read, create, edit and delete on {objectName}: Setup > Permission Sets > New (or the user's profile) > Object Settings > {objectName} > Edit, " +
            "then assign the permission set to the user (and to the connected app under Manage Permission Sets if the app uses permission sets). Setup guide step 3.7.";
        try
        {
            var description = await client.DescribeAsync(objectName, cancellationToken);
            var missing = new List<string>();
            if (!description.Createable)
            {
                missing.Add("create");
            }

            if (!description.Updateable)
            {
                missing.Add("update");
            }

            if (!description.Deletable)
            {
                missing.Add("delete");
            }

            return missing.Count == 0
                ? new DoctorCheck(checkName, CheckStatus.Passed, "create, update and delete allowed", null)
                : new DoctorCheck(checkName, CheckStatus.Failed, $"the user cannot {string.Join(", ", missing)} {objectName} records", fix);
        }
        catch (SalesforceException e) when (e.StatusCode is 403 or 404)
        {
            return new DoctorCheck(checkName, CheckStatus.Failed, $"the user cannot read {objectName} ({e.ErrorCode})", fix);
        }
    }
}

internal enum CheckStatus
{
    Passed,
    Failed,
    Skipped,
    NotApplicable,
    Warning,
}

/// <summary>One line of the doctor's report: what was checked, how it went, and what to do when it failed.</summary>
internal sealed record DoctorCheck(string Name, CheckStatus Status, string? Detail, string? Fix);
