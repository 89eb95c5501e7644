using System.Text.Json.Nodes;
using Forcelink.Emulator.Hosting;
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
    public async Task DataBulkCommands_ImportUpsertExportResultsDelete_RecordsLandAndLeave()
    {
        // Two rows per result page, so that the exports follow Sforce-Locator across pages.
        await using var emulator = await InteropTools.StartEmulatorAsync(options =>
        {
            options.Org.CustomFields["Account"] = [new CustomFieldOptions { Name = "Ext_Id__c", ExternalId = true, Unique = true }];
            options.Org.Bulk.QueryPageSize = 2;
        });
        using var workspace = new InteropWorkspace();
        var sf = new Sf(emulator, workspace);
        await sf.LoginAsync();
        var store = emulator.Host.Org.Store;
        var accounts = store.Find("Account")!;
        string ByExternalId(string value) => store.FindByExternalId(accounts, accounts.Find("Ext_Id__c")!, value).Single();

        var imported = await sf.RunAsync("data", "import", "bulk", "--file", workspace.Write("accounts.csv", "Name,Ext_Id__c,Industry\nAcme,E1,Banking\n\"Globex, Inc.\",E2,Retail\n"),
            "--sobject", "Account", "--wait", "5", "--target-org", "emu");
        var importJob = (string)imported["jobId"]!;
        Assert.Equal((2, 2, 0), ((int?)imported["processedRecords"], (int?)imported["successfulRecords"], (int?)imported["failedRecords"]));
        Assert.Equal("Globex, Inc.", store.Get(ByExternalId("E2"))!.Value.Fields["Name"]);
        Assert.Equal("Banking", store.Get(ByExternalId("E1"))!.Value.Fields["Industry"]);

        var upserted = await sf.RunAsync("data", "upsert", "bulk", "--file", workspace.Write("upsert.csv", "Ext_Id__c,Name\nE2,Globex Upserted\nE3,Initech\n"),
            "--sobject", "Account", "--external-id", "Ext_Id__c", "--wait", "5", "--target-org", "emu");
        Assert.Equal("JobComplete", (string?)upserted["jobInfo"]!["state"]);
        Assert.Equal(["false", "true"], upserted["records"]!["successfulResults"]!.AsArray().Select(r => (string)r!["sf__Created"]!));
        Assert.Equal("Globex Upserted", store.Get(ByExternalId("E2"))!.Value.Fields["Name"]);
        Assert.Equal(3, store.Count("Account", includeDeleted: false));

        var csvFile = Path.Combine(workspace.Root, "export.csv");
        var exported = await sf.RunAsync("data", "export", "bulk", "--query", "SELECT Ext_Id__c, Name FROM Account ORDER BY Ext_Id__c",
            "--output-file", csvFile, "--wait", "5", "--target-org", "emu");
        Assert.Equal(3, (int?)exported["totalSize"]);
        Assert.Equal("\"Ext_Id__c\",\"Name\"\n\"E1\",\"Acme\"\n\"E2\",\"Globex Upserted\"\n\"E3\",\"Initech\"\n", await File.ReadAllTextAsync(csvFile));

        var jsonFile = Path.Combine(workspace.Root, "export.json");
        await sf.RunAsync("data", "export", "bulk", "--query", "SELECT Ext_Id__c, Name FROM Account ORDER BY Ext_Id__c",
            "--output-file", jsonFile, "--result-format", "json", "--wait", "5", "--target-org", "emu");
        var rows = JsonNode.Parse(await File.ReadAllTextAsync(jsonFile))!.AsArray();
        Assert.Equal(["Acme", "Globex Upserted", "Initech"], rows.Select(r => (string)r!["Name"]!));

        var results = await sf.RunAsync("data", "bulk", "results", "--job-id", importJob, "--target-org", "emu");
        Assert.Equal(("JobComplete", "insert", "Account", 2), ((string?)results["status"], (string?)results["operation"], (string?)results["object"], (int?)results["successfulRecords"]));
        var successCsv = await File.ReadAllTextAsync(Path.Combine(workspace.Root, (string)results["successFilePath"]!));
        Assert.StartsWith("\"sf__Id\",\"sf__Created\",Name,Ext_Id__c,Industry\n\"" + ByExternalId("E1") + "\",\"true\",\"Acme\",\"E1\",\"Banking\"\n", successCsv, StringComparison.Ordinal);

        var ids = $"Id\n{ByExternalId("E1")}\n{ByExternalId("E3")}\n";
        var deleted = await sf.RunAsync("data", "delete", "bulk", "--file", workspace.Write("delete.csv", ids), "--sobject", "Account", "--wait", "5", "--target-org", "emu");
        Assert.Equal(2, deleted["records"]!["successfulResults"]!.AsArray().Count);
        Assert.Equal(1, store.Count("Account", includeDeleted: false));
        Assert.Equal(3, store.Count("Account", includeDeleted: true));

        // A job that fails on its header: the CLI reports Salesforce's errorMessage.
        var failed = await sf.RunFailingAsync("data", "import", "bulk", "--file", workspace.Write("bad.csv", "Nmae\nx\n"), "--sobject", "Account", "--wait", "5", "--target-org", "emu");
        Assert.Equal("JobFailedError", (string?)failed["name"]);
        Assert.Contains("InvalidBatch : Field name not found : Nmae", (string?)failed["message"], StringComparison.Ordinal);
        Assert.Equal(1, store.Count("Account", includeDeleted: false));
        Assert.Equal([Sf.DevHubProbe], sf.FailedRequests);
    }

    [InteropFact]
    public async Task DataImportTree_AccountWithContacts_CreatesTheTree()
    {
        await using var emulator = await InteropTools.StartEmulatorAsync();
        using var workspace = new InteropWorkspace();
        var sf = new Sf(emulator, workspace);
        await sf.LoginAsync();

        var file = workspace.Write("Account-Contact.json", """
            {"records":[{"attributes":{"type":"Account","referenceId":"AccountRef1"},"Name":"Tree Co",
              "Contacts":{"records":[{"attributes":{"type":"Contact","referenceId":"ContactRef1"},"LastName":"Leaf"},
                                     {"attributes":{"type":"Contact","referenceId":"ContactRef2"},"LastName":"Branch"}]}}]}
            """);
        var result = (await sf.RunAsync("data", "import", "tree", "--files", file, "--target-org", "emu")).AsArray();

        Assert.Equal(["AccountRef1:Account", "ContactRef1:Contact", "ContactRef2:Contact"], result.Select(r => $"{r!["refId"]}:{r["type"]}"));
        var store = emulator.Host.Org.Store;
        var accountId = (string)result[0]!["id"]!;
        Assert.Equal("Tree Co", store.Get(accountId)!.Value.Fields["Name"]);
        Assert.All(result.Skip(1), r => Assert.Equal(accountId, store.Get((string)r!["id"]!)!.Value.Fields["AccountId"]));
        Assert.Equal([Sf.DevHubProbe], sf.FailedRequests);
    }

    [InteropFact]
    public async Task ApiRequestRestAndSObjectList_ReachTheEmulatorsRestAndApexServices()
    {
        await using var emulator = await InteropTools.StartEmulatorAsync(Library.RawCallTests.AddApexServices);
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
            var (exitCode, json, output) = await RunRawAsync(arguments);
            Assert.True(exitCode == 0 && (int?)json["status"] == 0, $"sf {string.Join(' ', arguments)} failed:\n{output}");
            return json["result"]!;
        }

        /// <summary>Runs a command that must fail and returns its JSON error (<c>name</c>, <c>message</c>, ...).</summary>
        public async Task<JsonNode> RunFailingAsync(params string[] arguments)
        {
            var (exitCode, json, output) = await RunRawAsync(arguments);
            Assert.True(exitCode != 0 && (int?)json["status"] != 0, $"sf {string.Join(' ', arguments)} was expected to fail:\n{output}");
            return json;
        }

        private async Task<(int ExitCode, JsonNode Json, string Output)> RunRawAsync(string[] arguments)
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
            return (result.ExitCode, InteropTools.ParseJson(result), result.Output);
        }
    }
}
