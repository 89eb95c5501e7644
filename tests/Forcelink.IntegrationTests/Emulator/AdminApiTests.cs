using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Forcelink.Emulator.Hosting;

namespace Forcelink.IntegrationTests.Emulator;

public sealed class AdminApiTests
{
    [Fact]
    public async Task ConsolePage_RequestsAndRecords_TokensMasked()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        await emulator.CreateAsync(token, "Account", new { Name = "Acme <Widgets>" });
        using var response = await emulator.Http.GetAsync("/__emulator/");
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/html", EmulatorFixture.RawContentType(response), StringComparison.Ordinal);
        Assert.Contains("/services/data/v62.0/sobjects/Account", html, StringComparison.Ordinal);
        Assert.Contains("Acme &lt;Widgets&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain(token, html, StringComparison.Ordinal);
        Assert.Contains(token[..20], html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestLog_Entries_NoFullToken()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        await emulator.CallAsync(HttpMethod.Get, "limits", token);
        var log = await emulator.Http.GetStringAsync("/__emulator/requests");
        Assert.DoesNotContain(token, log, StringComparison.Ordinal);
        var entries = JsonNode.Parse(log)!.AsArray();
        Assert.Equal("/services/oauth2/token", entries[0]!["path"]!.GetValue<string>());
        Assert.Equal(200, entries[1]!["status"]!.GetValue<int>());
        Assert.Equal("/services/data/v62.0/limits", entries[1]!["path"]!.GetValue<string>());
    }

    [Fact]
    public async Task Users_AddThroughAdmin_CanLogIn()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var add = await emulator.Http.PostAsync("/__emulator/users",
            new StringContent("""{"username":"late@example.com","profile":"System Administrator"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, add.StatusCode);
        var token = await emulator.GetTokenAsync("late@example.com");
        Assert.StartsWith(emulator.Host.Org.OrgId15, token, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apps_AddExternalClientApp_Listed()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var app = new JsonObject { ["name"] = "Other", ["consumerKey"] = "OTHER", ["certificatePem"] = EmulatorFixture.CertificatePem, ["kind"] = "ExternalClientApp", ["profiles"] = new JsonArray("System Administrator") };
        using var add = await emulator.Http.PostAsync("/__emulator/apps", new StringContent(app.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, add.StatusCode);
        using var token = await emulator.RequestTokenAsync(emulator.CreateAssertion(issuer: "OTHER"));
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        var apps = JsonNode.Parse(await emulator.Http.GetStringAsync("/__emulator/apps"))!.AsArray();
        Assert.Equal(2, apps.Count);
        Assert.DoesNotContain("BEGIN CERTIFICATE", apps.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Records_InsertAndList_ThroughSaveRules()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var bad = await emulator.Http.PostAsync("/__emulator/records/Lead", new StringContent("""[{"Company":"x"}]""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        using var good = await emulator.Http.PostAsync("/__emulator/records/Lead", new StringContent("""[{"LastName":"A","Company":"x"},{"LastName":"B","Company":"y"}]""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, good.StatusCode);
        var records = JsonNode.Parse(await emulator.Http.GetStringAsync("/__emulator/records/Lead"))!.AsArray();
        Assert.Equal(["A", "B"], records.Select(r => r!["LastName"]!.GetValue<string>()).ToArray());
    }

    [Fact]
    public async Task Reset_AfterActivity_EmptyOrgSameConfig()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        await emulator.CreateAsync(token, "Account", new { Name = "Acme" });
        using var reset = await emulator.Http.PostAsync("/__emulator/reset", null);
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        Assert.Equal(0, emulator.Host.Org.Store.Count("Account", true));
        Assert.Equal(0, emulator.Host.LoginCount(EmulatorFixture.Username));
        Assert.Equal(401, (await emulator.CallAsync(HttpMethod.Get, "limits", token)).Status);
        var fresh = await emulator.GetTokenAsync();
        Assert.Equal(200, (await emulator.CallAsync(HttpMethod.Get, "limits", fresh)).Status);
    }

    [Fact]
    public async Task DataFile_Restart_RecordsSurvive()
    {
        var file = Path.Combine(Path.GetTempPath(), $"forcelink-emulator-{Guid.NewGuid():N}.db");
        try
        {
            string id;
            await using (var first = await EmulatorFixture.StartAsync(o => o.DataFile = file))
            {
                id = await first.CreateAsync(await first.GetTokenAsync(), "Account", new { Name = "Persisted" });
            }

            await using var second = await EmulatorFixture.StartAsync(o => o.DataFile = file);
            var token = await second.GetTokenAsync();
            var (status, body, _) = await second.CallAsync(HttpMethod.Get, $"sobjects/Account/{id}?fields=Name", token);
            Assert.Equal(200, status);
            Assert.Equal("Persisted", body!["Name"]!.GetValue<string>());
            var next = await second.CreateAsync(token, "Account", new { Name = "Next" });
            Assert.NotEqual(id, next);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var path in new[] { file, file + "-wal", file + "-shm" })
            {
                File.Delete(path);
            }
        }
    }

    [Fact]
    public async Task DataFile_AllOrNoneRollback_NothingPersisted()
    {
        var file = Path.Combine(Path.GetTempPath(), $"forcelink-emulator-{Guid.NewGuid():N}.db");
        try
        {
            await using (var first = await EmulatorFixture.StartAsync(o => o.DataFile = file))
            {
                var records = new object[]
                {
                    new Dictionary<string, object> { ["attributes"] = new { type = "Account" }, ["Name"] = "Kept only with its sibling" },
                    new Dictionary<string, object> { ["attributes"] = new { type = "Account" } },
                };
                var (status, body, _) = await first.CallAsync(HttpMethod.Post, "composite/sobjects", await first.GetTokenAsync(), new { allOrNone = true, records });
                Assert.Equal(200, status);
                Assert.All(body!.AsArray(), r => Assert.False(r!["success"]!.GetValue<bool>()));
            }

            await using var second = await EmulatorFixture.StartAsync(o => o.DataFile = file);
            var (_, result, _) = await second.CallAsync(HttpMethod.Get, "query?q=SELECT+Id+FROM+Account+WHERE+Name+LIKE+'Kept%25'", await second.GetTokenAsync());
            Assert.Equal(0, result!["totalSize"]!.GetValue<int>());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var path in new[] { file, file + "-wal", file + "-shm" })
            {
                File.Delete(path);
            }
        }
    }

    [Fact]
    public void CommandLine_QuickStart_OneAppOneUser()
    {
        var certificate = Path.Combine(Path.GetTempPath(), $"forcelink-{Guid.NewGuid():N}.crt");
        File.WriteAllText(certificate, EmulatorFixture.CertificatePem);
        try
        {
            var options = CommandLine.Parse(["--port", "8123", "--consumer-key", "KEY", "--certificate", certificate, "--username", "integration@example.com"], out var error);
            Assert.Null(error);
            Assert.Equal(8123, options.Port);
            Assert.Equal("KEY", Assert.Single(options.Org.Apps).ConsumerKey);
            Assert.Equal("System Administrator", Assert.Single(options.Org.Users).Profile);
        }
        finally
        {
            File.Delete(certificate);
        }
    }

    [Theory]
    [InlineData(new[] { "--bogus", "1" }, "unknown option '--bogus'")]
    [InlineData(new[] { "--port" }, "missing value for --port")]
    [InlineData(new[] { "--port", "x", "--seed", "s.json" }, "--port must be a number from 0 to 65535, got 'x'")]
    [InlineData(new[] { "--port", "0" }, "either --seed or --consumer-key, --certificate and --username are required")]
    [InlineData(new[] { "--consumer-key", "K" }, "--consumer-key, --certificate and --username go together")]
    public void CommandLine_BadArguments_OneLineError(string[] args, string expected)
    {
        CommandLine.Parse(args, out var error);
        Assert.Equal(expected, error);
    }

    [Fact]
    public async Task Seed_File_LoadsAppsUsersObjectsRecords()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"forcelink-seed-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        try
        {
            await File.WriteAllTextAsync(Path.Combine(directory, "server.crt"), EmulatorFixture.CertificatePem);
            await File.WriteAllTextAsync(Path.Combine(directory, "seed.json"), """
                {
                  "kind": "Sandbox",
                  "sessionTimeout": "00:30:00",
                  "dailyApiLimit": 15000,
                  "apps": [ { "name": "Sync", "consumerKey": "SYNC", "certificateFile": "server.crt", "permissionSets": ["Api"] } ],
                  "permissionSets": [ { "name": "Api", "objects": { "Invoice__c": { "read": true, "create": true, "edit": true } } } ],
                  "users": [
                    { "username": "sync@example.com.dev", "profile": "Standard User", "permissionSets": ["Api"] },
                    { "username": "nobody@example.com.dev", "profile": "Standard User" }
                  ],
                  "customObjects": [ { "name": "Invoice__c", "fields": [ { "name": "External_Id__c", "externalId": true, "length": 40 } ] } ],
                  "records": { "Invoice__c": [ { "External_Id__c": "INV-1" } ] },
                  "faults": [ { "pathPrefix": "/services/data/", "kind": "Latency", "latencyMilliseconds": 0 } ]
                }
                """);
            var options = CommandLine.Parse(["--seed", Path.Combine(directory, "seed.json"), "--port", "0"], out var error);
            Assert.Null(error);
            options.TimeProvider = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero));
            await using var host = await EmulatorHost.StartAsync(options);
            Assert.Equal(OrgKind.Sandbox, host.Org.Options.Kind);
            Assert.Equal(TimeSpan.FromMinutes(30), host.Org.Options.SessionTimeout);
            Assert.Equal(1, host.Org.Store.Count("Invoice__c", false));
            Assert.Equal(2, host.Org.Users.Count);
            Assert.Contains("BEGIN CERTIFICATE", host.Org.Options.Apps[0].CertificatePem, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task StartAsync_InvalidOptions_ListsEveryProblem()
    {
        var options = new EmulatorOptions();
        options.Org.OrgId = "bogus";
        options.Org.Apps.Add(new AppOptions { Name = "NoKey", ConsumerKey = "", CertificatePem = "not a pem" });
        options.Org.Users.Add(new UserOptions { Username = "" });
        var error = await Assert.ThrowsAsync<ArgumentException>(() => EmulatorHost.StartAsync(options));
        Assert.Contains("orgId 'bogus'", error.Message, StringComparison.Ordinal);
        Assert.Contains("app 'NoKey' has no consumerKey", error.Message, StringComparison.Ordinal);
        Assert.Contains("app 'NoKey' has no readable PEM certificate", error.Message, StringComparison.Ordinal);
        Assert.Contains("has no username", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_ClientCredentialsApps_SecretWithoutCertificateAcceptedUnknownRunAsRefused()
    {
        var options = new EmulatorOptions();
        options.Org.Users.Add(new UserOptions { Username = "runas@example.com" });
        options.Org.Apps.Add(new AppOptions { Name = "Headless", ConsumerKey = "cc-key", ConsumerSecret = "s3cret", ClientCredentialsUser = "runas@example.com" });
        options.Org.Apps.Add(new AppOptions { Name = "Orphan", ConsumerKey = "cc-key-2", ConsumerSecret = "s3cret", ClientCredentialsUser = "nobody@example.com" });
        options.Org.Apps.Add(new AppOptions { Name = "Blank", ConsumerKey = "cc-key-3", ConsumerSecret = " " });

        var error = await Assert.ThrowsAsync<ArgumentException>(() => EmulatorHost.StartAsync(options));

        Assert.DoesNotContain("'Headless'", error.Message, StringComparison.Ordinal);
        Assert.Contains("app 'Orphan': clientCredentialsUser 'nobody@example.com' is not one of the org's users", error.Message, StringComparison.Ordinal);
        Assert.Contains("app 'Blank' consumerSecret must not be empty", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddRecordsAsync_ValidAndInvalid_AllOrNothing()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var ids = await emulator.Host.AddRecordsAsync("Lead", [new { LastName = "A", Company = "x" }, new { LastName = "B", Company = "y" }]);
        Assert.Equal(2, ids.Count);
        Assert.All(ids, id => Assert.StartsWith("00Q", id, StringComparison.Ordinal));
        await Assert.ThrowsAsync<ArgumentException>(() => emulator.Host.AddRecordsAsync("Lead", [new { LastName = "C", Company = "z" }, new { Company = "no name" }]));
        Assert.Equal(2, emulator.Host.Org.Store.Count("Lead", false));
    }
}
