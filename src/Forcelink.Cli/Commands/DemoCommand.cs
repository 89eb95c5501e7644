using Forcelink.Configuration;
using System.CommandLine;
using System.Text.Json.Nodes;
using Forcelink.Authentication;
using Forcelink.Cli.Configuration;
using Forcelink.Emulator.Hosting;
using Forcelink.Operations;

namespace Forcelink.Cli.Commands;

/// <summary>
/// <c>forcelink demo</c>: the whole path with nothing configured. An emulated org on a free loopback port, a key pair
/// made in memory and registered as a connected app with a pre-authorized user, the JWT bearer login, then the
/// Lambda's operation handler on Lead and Case events. Leaves nothing behind.
/// </summary>
internal sealed class DemoCommand : CliCommand
{
    private const string ConsumerKey = "3MVG9forcelink.demo.consumer.key";
    private const string Username = "integration@forcelink.demo";

        public DemoCommand(CliContext context)
        : base("demo", "Run Forcelink end to end against an embedded emulator: keys, connected app, JWT bearer login, then create, find, update and delete a Lead and a Case. No configuration, loopback only.", context)
    {
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        await Output.WriteLineAsync("1. Generating an RSA key and a self-signed certificate (in memory, as 'forcelink keygen' would on disk).");
        var key = RsaSigningKey.Generate();
        string certificatePem;
        using (var certificate = key.CreateSelfSignedCertificate("CN=forcelink-demo", Context.TimeProvider.GetUtcNow().AddMinutes(-5), TimeSpan.FromDays(1)))
        {
            certificatePem = SalesforceCertificate.ExportPem(certificate);
        }

        await Output.WriteLineAsync($"   {key}");
        var options = new EmulatorOptions { Port = 0, TimeProvider = Context.TimeProvider };
        options.Org.Apps.Add(new AppOptions { Name = "Forcelink demo", ConsumerKey = ConsumerKey, CertificatePem = certificatePem, Policy = AppPolicy.AdminApproved, Profiles = ["System Administrator"] });
        options.Org.Users.Add(new UserOptions { Username = Username, FirstName = "Integration", LastName = "User", Profile = "System Administrator" });
        await using var host = await EmulatorHost.StartAsync(options, cancellationToken);
        var url = host.BaseUrl.GetLeftPart(UriPartial.Authority);
        await Output.WriteLineAsync($"2. Started the emulator on {url} and registered the certificate as connected app '{ConsumerKey}'");
        await Output.WriteLineAsync($"   (\"Use digital signatures\", \"Admin approved users are pre-authorized\", profile System Administrator assigned to {Username}).");

        var settings = OrgSettings.Of("demo", new Dictionary<string, string?> { [SettingNames.LoginUrl] = url, [SettingNames.ConsumerKey] = ConsumerKey, [SettingNames.Username] = Username });
        using var connection = OrgConnection.Create(Context, settings, key);
        var token = await connection.Client.GetTokenAsync(cancellationToken);
        await Output.WriteLineAsync($"3. Logged in with the JWT bearer flow at {connection.TokenEndpoint}: instance {token.InstanceUrl}, org {token.OrganizationId}, user {token.UserId}, scopes '{string.Join(' ', token.Scopes)}'. (The token itself is never printed.)");
        await Output.WriteLineAsync("4. Running the Lambda's operation handler on events:");

        var failures = 0;
        var step = 0;
        async Task<OperationResult> RunAsync(string title, JsonObject request, bool expectSuccess = true)
        {
            await Output.WriteLineAsync();
            await Output.WriteLineAsync($"   4.{++step} {title}");
            await Output.WriteLineAsync($"   event:  {CliJson.Write(request)}");
            var result = await connection.Handler.HandleAsync(System.Text.Encoding.UTF8.GetBytes(request.ToJsonString()), cancellationToken);
            await Output.WriteLineAsync($"   answer: {result}");
            if (result.IsSuccess != expectSuccess)
            {
                failures++;
            }

            return result;
        }

        var lead = await RunAsync("Create a Lead", new JsonObject
        {
            ["operation"] = "create",
            ["object"] = "Lead",
            ["fields"] = new JsonObject { ["FirstName"] = "Jane", ["LastName"] = "Doe", ["Company"] = "Acme", ["Email"] = "jane.doe@example.com" },
        });
        await RunAsync("Find the Lead by email", new JsonObject
        {
            ["operation"] = "find",
            ["object"] = "Lead",
            ["where"] = new JsonObject { ["Email"] = "jane.doe@example.com" },
            ["fields"] = new JsonArray("Id", "Name", "Company", "Status"),
        });
        await RunAsync("Update the Lead", new JsonObject { ["operation"] = "update", ["object"] = "Lead", ["id"] = lead.Id, ["fields"] = new JsonObject { ["Status"] = "Working - Contacted" } });
        await RunAsync("Read the Lead back", new JsonObject { ["operation"] = "get", ["object"] = "Lead", ["id"] = lead.Id, ["fields"] = new JsonArray("Id", "Name", "Status") });
        var caseResult = await RunAsync("Create a Case", new JsonObject
        {
            ["operation"] = "create",
            ["object"] = "Case",
            ["fields"] = new JsonObject { ["Subject"] = "Cannot log in", ["Origin"] = "Web", ["Priority"] = "High", ["SuppliedEmail"] = "jane.doe@example.com" },
        });
        await RunAsync("Find the Case by subject", new JsonObject
        {
            ["operation"] = "find",
            ["object"] = "Case",
            ["where"] = new JsonObject { ["Subject"] = "Cannot log in" },
            ["fields"] = new JsonArray("Id", "CaseNumber", "Subject", "Status"),
        });
        await RunAsync("Close the Case", new JsonObject { ["operation"] = "update", ["object"] = "Case", ["id"] = caseResult.Id, ["fields"] = new JsonObject { ["Status"] = "Closed" } });
        await RunAsync("Delete the Case", new JsonObject { ["operation"] = "delete", ["object"] = "Case", ["id"] = caseResult.Id });
        await RunAsync("Delete the Lead", new JsonObject { ["operation"] = "delete", ["object"] = "Lead", ["id"] = lead.Id });
        // Shows what a failure looks like to a caller.
        await RunAsync("Get the deleted Lead (expected to fail)", new JsonObject { ["operation"] = "get", ["object"] = "Lead", ["id"] = lead.Id }, expectSuccess: false);

        await Output.WriteLineAsync();
        await Output.WriteLineAsync($"5. Done: {connection.Client.LoginCount} login, API usage {connection.Client.ApiUsage?.Used.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"} requests; the emulator stops and nothing is left on disk.");
        await Output.WriteLineAsync("   Next: 'forcelink keygen' to make a real key pair, then docs/cli.md for the way to a deployed function.");
        if (failures != 0)
        {
            await Error.WriteLineAsync($"error: {failures} demo step(s) did not give the expected answer.");
            return ExitCodes.Failure;
        }

        return ExitCodes.Success;
    }
}
