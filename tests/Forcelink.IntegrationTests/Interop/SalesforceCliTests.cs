using System.Text.Json.Nodes;
using Forcelink.IntegrationTests.Emulator;

namespace Forcelink.IntegrationTests.Interop;

/// <summary>
/// The Salesforce CLI (<c>sf</c>, npm <c>@salesforce/cli</c>), unchanged, against the emulator: sfdx-core's JWT login
/// (its own assertion: exp in milliseconds, My Domain audience) and the data commands' REST calls.
/// </summary>
public sealed class SalesforceCliTests
{
    [InteropFact]
    public async Task OrgLoginJwt_ThenDisplay_StoresTheOrgAndNeverPrintsTheToken()
    {
        await using var emulator = await InteropTools.StartEmulatorAsync();
        using var workspace = new InteropWorkspace();
        var sf = new Sf(emulator, workspace);

        var login = await sf.LoginAsync();
        Assert.Equal(emulator.Host.Org.OrgId, (string?)login["orgId"]);
        Assert.Equal(EmulatorFixture.Username, (string?)login["username"]);
        Assert.Equal(sf.InstanceUrl, (string?)login["instanceUrl"]);
        Assert.Equal("68.0", (string?)login["instanceApiVersion"]);
        // Filled from SELECT ... FROM Organization: without that object the CLI silently leaves them out.
        Assert.Equal("Forcelink Emulator", (string?)login["name"]);
        Assert.Equal("Enterprise Edition", (string?)login["orgEdition"]);
        Assert.Equal("EMU1", (string?)login["instanceName"]);
        Assert.False((bool?)login["isSandbox"]);
        Assert.False((bool?)login["isDevHub"]);

        var display = await sf.RunAsync("org", "display", "--target-org", "emu");
        Assert.Equal(emulator.Host.Org.OrgId, (string?)display["id"]);
        Assert.Equal("Connected", (string?)display["connectedStatus"]);
        Assert.Equal(EmulatorFixture.Username, (string?)display["username"]);
        Assert.Equal(EmulatorFixture.ConsumerKey, (string?)display["clientId"]);
        Assert.Equal("emu", (string?)display["alias"]);

        Assert.Equal(1, emulator.Host.LoginCount(EmulatorFixture.Username));
        Assert.DoesNotContain(emulator.Host.Org.OrgId15 + "!", sf.Transcript, StringComparison.Ordinal);
        Assert.Equal([Sf.DevHubProbe], sf.FailedRequests);
    }

    [InteropFact]
    public async Task DataCommands_LeadAndCase_CreateQueryUpdateDelete()
    {
        await using var emulator = await InteropTools.StartEmulatorAsync();
        using var workspace = new InteropWorkspace();
        var sf = new Sf(emulator, workspace);
        await sf.LoginAsync();
        var store = emulator.Host.Org.Store;

        var leadId = (string)(await sf.RunAsync("data", "create", "record", "--sobject", "Lead", "--values", "LastName=Doe Company=Acme", "--target-org", "emu"))["id"]!;
        var query = await sf.RunAsync("data", "query", "--query", "SELECT Id, Name FROM Lead", "--target-org", "emu");
        Assert.Equal(1, (int?)query["totalSize"]);
        Assert.Equal(leadId, (string?)query["records"]![0]!["Id"]);
        Assert.Equal("Doe", (string?)query["records"]![0]!["Name"]);

        await sf.RunAsync("data", "update", "record", "--sobject", "Lead", "--record-id", leadId, "--values", "Company=Globex Status='Working - Contacted'", "--target-org", "emu");
        Assert.Equal("Globex", store.Get(leadId)!.Value.Fields["Company"]);
        Assert.Equal("Working - Contacted", store.Get(leadId)!.Value.Fields["Status"]);
        await sf.RunAsync("data", "delete", "record", "--sobject", "Lead", "--record-id", leadId, "--target-org", "emu");
        Assert.Equal(true, store.Get(leadId)!.Value.Fields["IsDeleted"]);

        var caseId = (string)(await sf.RunAsync("data", "create", "record", "--sobject", "Case", "--values", "Subject='Printer on fire' Origin=Web", "--target-org", "emu"))["id"]!;
        var cases = await sf.RunAsync("data", "query", "--query", "SELECT Id, CaseNumber, Status FROM Case", "--target-org", "emu");
        Assert.Equal("00001000", (string?)cases["records"]![0]!["CaseNumber"]);
        Assert.Equal("New", (string?)cases["records"]![0]!["Status"]);
        // --where makes the CLI find the record with its own SOQL query first.
        await sf.RunAsync("data", "update", "record", "--sobject", "Case", "--where", "Subject='Printer on fire'", "--values", "Status=Closed", "--target-org", "emu");
        Assert.Equal(true, store.Get(caseId)!.Value.Fields["IsClosed"]);
        await sf.RunAsync("data", "delete", "record", "--sobject", "Case", "--record-id", caseId, "--target-org", "emu");
        Assert.Equal(true, store.Get(caseId)!.Value.Fields["IsDeleted"]);

        Assert.Equal(0, store.Count("Lead", false) + store.Count("Case", false));
        Assert.Equal(1, emulator.Host.LoginCount(EmulatorFixture.Username));
        Assert.Equal([Sf.DevHubProbe], sf.FailedRequests);
    }

    [InteropFact]
    public async Task DataQuery_SessionRevoked_CliLogsInAgainWithTheStoredKey()
    {
        await using var emulator = await InteropTools.StartEmulatorAsync();
        using var workspace = new InteropWorkspace();
        var sf = new Sf(emulator, workspace);
        await sf.LoginAsync();
        await emulator.Host.AddRecordsAsync("Lead", [new { LastName = "Smith", Company = "Acme" }]);

        Assert.Equal(1, emulator.Host.Org.RevokeAll(EmulatorFixture.Username));
        var query = await sf.RunAsync("data", "query", "--query", "SELECT Id, Name FROM Lead", "--target-org", "emu");

        // The 401 INVALID_SESSION_ID makes sfdx-core run the JWT flow again with the key file it stored at login.
        Assert.Equal("Smith", (string?)query["records"]![0]!["Name"]);
        Assert.Equal(2, emulator.Host.LoginCount(EmulatorFixture.Username));
        Assert.Contains(emulator.Host.Org.RequestLog, e => e is { Method: "GET", Path: "/services/data/v68.0/query", Status: 401 });
    }

    [InteropFact]
    public async Task ApiRequestRestAndSObjectList_ReachTheEmulatorsRestAndApexServices()
    {
        await using var emulator = await EmulatorFixture.StartAsync(options =>
        {
            options.TimeProvider = TimeProvider.System;
            Library.RawCallTests.AddApexServices(options);
        });
        using var workspace = new InteropWorkspace();
        var sf = new Sf(emulator, workspace);
        await sf.LoginAsync();

        var objects = await sf.RunAsync("sobject", "list", "--sobject", "all", "--target-org", "emu");
        var custom = await sf.RunAsync("sobject", "list", "--sobject", "custom", "--target-org", "emu");
        var limits = await sf.RunAsync("api", "request", "rest", "/services/data/v62.0/limits", "--target-org", "emu");
        var echo = await sf.RunAsync("api", "request", "rest", "services/apexrest/LeadIntake/sf?source=cli", "--method", "POST",
            "--body", """{"email":"doe@example.com"}""", "--target-org", "emu");

        Assert.Contains("Lead", objects.AsArray().Select(o => (string?)o));
        Assert.Contains("ContentDocumentLink", objects.AsArray().Select(o => (string?)o));
        Assert.Empty(custom.AsArray());
        Assert.Equal(200, (int?)limits["statusCode"]);
        Assert.NotNull(limits["body"]!["DailyApiRequests"]);
        Assert.Equal(200, (int?)echo["statusCode"]);
        Assert.Equal(("/LeadIntake/sf", "cli", "doe@example.com"),
            ((string?)echo["body"]!["requestURI"], (string?)echo["body"]!["params"]!["source"], (string?)echo["body"]!["requestBody"]!["email"]));
        Assert.Equal([Sf.DevHubProbe], sf.FailedRequests);
    }

    /// <summary>Runs <c>sf ... --json</c> with the Node 22 binary in the workspace's home and returns <c>result</c>.</summary>
    private sealed class Sf(EmulatorFixture emulator, InteropWorkspace workspace)
    {
        private readonly System.Text.StringBuilder _transcript = new();

        public string InstanceUrl { get; } = emulator.Host.BaseUrl.GetLeftPart(UriPartial.Authority);

        public string Transcript => _transcript.ToString();

        /// <summary>
        /// sfdx-core's DevHub check (SELECT Id FROM ScratchOrgInfo, pinned to v51.0) gets INVALID_TYPE, as in any org
        /// that is not a Dev Hub; the CLI expects that failure. It is the only request allowed to fail.
        /// </summary>
        public const string DevHubProbe = "GET /services/data/v51.0/query 400";

        /// <summary>Requests answered with an error (the log keeps no query string).</summary>
        public IEnumerable<string> FailedRequests => emulator.Host.Org.RequestLog.Where(e => e.Status >= 400).Select(e => $"{e.Method} {e.Path} {e.Status}");

        public Task<JsonNode> LoginAsync() => RunAsync(
            "org", "login", "jwt", "--client-id", EmulatorFixture.ConsumerKey, "--jwt-key-file", workspace.KeyFile,
            "--username", EmulatorFixture.Username, "--instance-url", InstanceUrl, "--alias", "emu");

        public async Task<JsonNode> RunAsync(params string[] arguments)
        {
            var environment = workspace.Environment();
            environment["SF_DISABLE_TELEMETRY"] = "true";
            environment["SF_AUTOUPDATE_DISABLE"] = "true";
            // oclif's update hook reads <BIN>_DISABLE_AUTOUPDATE; without it the first run spawns `sf update` in the background.
            environment["SF_DISABLE_AUTOUPDATE"] = "true";
            environment["SF_USE_GENERIC_UNIX_KEYCHAIN"] = "true";
            environment["SFDX_DISABLE_DNS_CHECK"] = "true";
            environment["SF_SKIP_NEW_VERSION_CHECK"] = "true";
            environment["SF_HIDE_RELEASE_NOTES"] = "true";
            environment["SF_HIDE_RELEASE_NOTES_FOOTER"] = "true";
            var result = await ProcessRunner.RunSeparatelyAsync(
                InteropTools.Node, [InteropTools.SfRunScript, .. arguments, "--json"], InteropTools.ProcessTimeout, environment, workspace.Root);
            _transcript.Append(result.Output);
            var json = InteropTools.ParseJson(result);
            Assert.True(result.ExitCode == 0 && (int?)json["status"] == 0, $"sf {string.Join(' ', arguments)} failed:\n{result.Output}");
            return json["result"]!;
        }
    }
}
