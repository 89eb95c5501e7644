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

    /// <summary>One check: its name and what it does; the fix travels in its result.</summary>
    private sealed record Check(string Name, Func<DoctorRun, CancellationToken, Task<DoctorCheck>> RunAsync);

    /// <summary>What the checks learn as they go and later ones use: the settings, the key, the connection.</summary>
    private sealed class DoctorRun(string? org) : IDisposable
    {
        public string? Org { get; } = org;

        public OrgSettings? Settings { get; set; }

        public RsaSigningKey? Key { get; set; }

        public OrgConnection? Connection { get; set; }

        public void Dispose()
        {
            // The connection owns the key once made.
            if (Connection is null)
            {
                Key?.Dispose();
            }

            Connection?.Dispose();
        }
    }

    /// <summary>The checks after the configuration's, in the order a login depends on them: they differ by login flow.</summary>
    private Check[] ChecksFor(bool clientCredentials) => clientCredentials
        ? [new(SecretCheck, CheckSecretAsync), new(ReachableCheck, CheckReachableAsync), new(TokenCheck, CheckTokenAsync), new(RestCheck, CheckRestAsync),
            new(LeadCheck, (run, ct) => CheckObjectAsync(run, "Lead", LeadCheck, ct)), new(CaseCheck, (run, ct) => CheckObjectAsync(run, "Case", CaseCheck, ct)),
            new(UsageCheck, CheckUsageAsync)]
        : [new(KeyCheck, CheckKeyAsync), new(CertificateCheck, CheckCertificateAsync), new(ReachableCheck, CheckReachableAsync), new(TokenCheck, CheckTokenAsync),
            new(RestCheck, CheckRestAsync), new(LeadCheck, (run, ct) => CheckObjectAsync(run, "Lead", LeadCheck, ct)),
            new(CaseCheck, (run, ct) => CheckObjectAsync(run, "Case", CaseCheck, ct)), new(UsageCheck, CheckUsageAsync)];

    private async Task<List<DoctorCheck>> RunChecksAsync(string? org, CancellationToken cancellationToken)
    {
        using var run = new DoctorRun(org);
        var results = new List<DoctorCheck> { await CheckConfigurationAsync(run, cancellationToken) };
        var failed = results[0].Status == CheckStatus.Failed ? results[0] : null;
        foreach (var check in ChecksFor(run.Settings?.IsClientCredentials == true))
        {
            // The first failure is the diagnosis: what depends on it is skipped, not run.
            var result = failed is null
                ? await check.RunAsync(run, cancellationToken)
                : new DoctorCheck(check.Name, CheckStatus.Skipped, $"skipped: '{failed.Name}' failed", null);
            failed ??= result.Status == CheckStatus.Failed ? result : null;
            results.Add(result);
        }

        return results;
    }

    /// <summary>1. The settings read and valid, as the function would take them.</summary>
    private async Task<DoctorCheck> CheckConfigurationAsync(DoctorRun run, CancellationToken cancellationToken)
    {
        OrgSettings settings;
        try
        {
            settings = await OrgSettingsReader.ReadAsync(Context, run.Org, cancellationToken);
        }
        catch (CliException e)
        {
            return new DoctorCheck(ConfigurationCheck, CheckStatus.Failed, "the settings cannot be read", e.Message);
        }

        run.Settings = settings;
        var errors = settings.Validate();
        if (errors.Count > 0)
        {
            return new DoctorCheck(ConfigurationCheck, CheckStatus.Failed, $"{errors.Count} problem{(errors.Count == 1 ? "" : "s")} in the {settings.Source}", string.Join('\n', errors));
        }

        return new DoctorCheck(ConfigurationCheck, CheckStatus.Passed, settings.IsClientCredentials
            ? $"{settings.Source}: client credentials flow at {settings.LoginUrl}"
            : $"{settings.Source}: {settings.Username} at {settings.LoginUrl}", null);
    }

    /// <summary>2 (client credentials). The secret can be read; the connection is made with it.</summary>
    private async Task<DoctorCheck> CheckSecretAsync(DoctorRun run, CancellationToken cancellationToken)
    {
        var settings = run.Settings!;
        var source = settings.Values.ClientSecret!;
        var from = source.Kind == SecretSourceKind.File
            ? $"{settings.Name(SettingNames.ClientSecretFile)} ({source.Value})"
            : settings.Name(source.VariableName);
        try
        {
            var secret = await OrgConnection.LoadClientSecretAsync(settings, cancellationToken);
            run.Connection = OrgConnection.CreateClientCredentials(Context, settings, secret);
            return new DoctorCheck(SecretCheck, CheckStatus.Passed, $"read from {from}, {secret.Length} characters", null);
        }
        catch (CliException e)
        {
            return new DoctorCheck(SecretCheck, CheckStatus.Failed, $"the client secret from {from} is not usable", e.Message);
        }
    }

    /// <summary>2 (JWT bearer). The private key can be read.</summary>
    private async Task<DoctorCheck> CheckKeyAsync(DoctorRun run, CancellationToken cancellationToken)
    {
        try
        {
            run.Key = await OrgConnection.LoadKeyAsync(run.Settings!, cancellationToken);
            return new DoctorCheck(KeyCheck, CheckStatus.Passed, run.Key.ToString(), null);
        }
        catch (CliException e)
        {
            return new DoctorCheck(KeyCheck, CheckStatus.Failed, "the private key is not usable", CliException.MessageOf(e));
        }
    }

    /// <summary>3 (JWT bearer). The certificate, when one is configured, matches the key and is not about to expire: the
    /// pitfall "certificate mismatches", found before Salesforce is asked. The connection is made with the key.</summary>
    private async Task<DoctorCheck> CheckCertificateAsync(DoctorRun run, CancellationToken cancellationToken)
    {
        var settings = run.Settings!;
        var key = run.Key!;
        DoctorCheck result;
        if (settings.Values.CertificateFile is not { } certificatePath)
        {
            result = new DoctorCheck(CertificateCheck, CheckStatus.NotApplicable,
                $"no certificate file configured; set {settings.Name(SettingNames.CertificateFile)} to the server.crt uploaded to the app to check that it matches the key", null);
        }
        else
        {
            CertificateCheckResult check;
            try
            {
                check = await CertCheckCommand.CheckAsync(null, key.ExportPkcs8Pem(), certificatePath, Context.TimeProvider, cancellationToken: cancellationToken);
            }
            catch (CliException e)
            {
                return new DoctorCheck(CertificateCheck, CheckStatus.Failed, $"{certificatePath} is not usable", CliException.MessageOf(e));
            }

            if (check.Problems.Count > 0)
            {
                return new DoctorCheck(CertificateCheck, CheckStatus.Failed, $"{certificatePath} ({check.Subject})", string.Join('\n', check.Problems));
            }

            // Expiry stops every login, so it is announced while there is time to rotate; it does not fail the check yet.
            result = check.ExpiresIn < TimeSpan.FromDays(settings.Values.CertificateWarningDays)
                ? new DoctorCheck(CertificateCheck, CheckStatus.Warning, $"{certificatePath} matches the key but expires on {check.NotAfter:yyyy-MM-dd}, in {check.ExpiresIn.Days} days",
                    "Rotate the key before then: forcelink keygen --out <new directory>, upload the new server.crt to the app, then update the key (and certificate)\n" +
                    "where the function reads them; docs/authentication.md, \"Key rotation\", has the steps.")
                : new DoctorCheck(CertificateCheck, CheckStatus.Passed, $"{certificatePath} matches the key, valid until {check.NotAfter:yyyy-MM-dd} ({check.ExpiresIn.Days} days left)", null);
        }

        run.Connection = OrgConnection.Create(Context, settings, key);
        return result;
    }

    /// <summary>4. The login host answers: a network problem must not read as an authentication problem.</summary>
    private async Task<DoctorCheck> CheckReachableAsync(DoctorRun run, CancellationToken cancellationToken)
    {
        var loginUrl = run.Connection!.LoginUrl;
        using var http = Context.Transport is { } transport ? new HttpClient(transport, disposeHandler: false) : new HttpClient();
        http.Timeout = TimeSpan.FromSeconds(15);
        try
        {
            using var response = await http.GetAsync(loginUrl, cancellationToken);
            return new DoctorCheck(ReachableCheck, CheckStatus.Passed, $"{loginUrl} answered HTTP {(int)response.StatusCode}", null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new DoctorCheck(ReachableCheck, CheckStatus.Failed, $"{loginUrl} did not answer: {e.Message}",
                "Check the login URL's spelling, DNS, any proxy (HTTPS_PROXY), and that this machine (or the Lambda's VPC, through a NAT gateway) can reach the internet.");
        }
    }

    /// <summary>5. The token exchange: the library's message already names the setup step that fixes each OAuth error.</summary>
    private static async Task<DoctorCheck> CheckTokenAsync(DoctorRun run, CancellationToken cancellationToken)
    {
        var connection = run.Connection!;
        try
        {
            var token = await connection.Client.GetTokenAsync(cancellationToken);
            return new DoctorCheck(TokenCheck, CheckStatus.Passed,
                $"logged in as {connection.Subject} (org {token.OrganizationId}, user {token.UserId}, scopes '{string.Join(' ', token.Scopes)}', instance {token.InstanceUrl})", null);
        }
        catch (SalesforceException e)
        {
            return new DoctorCheck(TokenCheck, CheckStatus.Failed, $"{e.ErrorCode}: {e.Description}", e.Message);
        }
    }

    /// <summary>6. The REST API takes the token.</summary>
    private static async Task<DoctorCheck> CheckRestAsync(DoctorRun run, CancellationToken cancellationToken)
    {
        var client = run.Connection!.Client;
        try
        {
            var versions = await client.GetApiVersionsAsync(cancellationToken);
            await client.GetLimitsAsync(cancellationToken);
            var version = await client.GetApiVersionAsync(cancellationToken);
            return new DoctorCheck(RestCheck, CheckStatus.Passed, $"{versions.Count} API versions offered; using v{version}; limits readable", null);
        }
        catch (SalesforceException e)
        {
            return new DoctorCheck(RestCheck, CheckStatus.Failed, $"{e.ErrorCode}: {e.Description}",
                $"{e.Message}\nThe token works but the REST API refused it: give the connected app the 'api' scope, and the user the 'API Enabled' permission (profile or permission set).");
        }
    }

    /// <summary>8. Headroom in the org's 24-hour API request limit.</summary>
    private static Task<DoctorCheck> CheckUsageAsync(DoctorRun run, CancellationToken cancellationToken)
    {
        if (run.Connection!.Client.ApiUsage is not { } usage)
        {
            return Task.FromResult(new DoctorCheck(UsageCheck, CheckStatus.NotApplicable, "the org did not send Sforce-Limit-Info", null));
        }

        var detail = $"{usage.Used:N0} of {usage.Max:N0} daily requests used ({usage.Share.ToString("P1", CultureInfo.InvariantCulture)})";
        return Task.FromResult(usage.Share < UsageLimit
            ? new DoctorCheck(UsageCheck, CheckStatus.Passed, detail, null)
            : new DoctorCheck(UsageCheck, CheckStatus.Failed, detail,
                "The org is close to its 24-hour API request limit: calls fail with REQUEST_LIMIT_EXCEEDED once it is reached. Find the heavy callers (Setup > System Overview, API Usage reports), batch writes (sObject Collections, as 'forcelink import' does), or buy more capacity."));
    }

    /// <summary>7. Create, update and delete on an object the function works on.</summary>
    private static async Task<DoctorCheck> CheckObjectAsync(DoctorRun run, string objectName, string checkName, CancellationToken cancellationToken)
    {
        var (client, username) = (run.Connection!.Client, run.Connection.Subject);
        var fix = $"Give {username} read, create, edit and delete on {objectName}: Setup > Permission Sets > New (or the user's profile) > Object Settings > {objectName} > Edit, " +
            "then assign the permission set to the user (and to the connected app under Manage Permission Sets if the app uses permission sets). See docs/deploy.md, section 2, step 4.";
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
