using System.Text.RegularExpressions;
using System.Xml.Linq;
using Forcelink.Cli;
using Forcelink.Cli.Generation;
using Forcelink.Emulator.Hosting;
using Forcelink.Models;

namespace Forcelink.IntegrationTests.Cli;

/// <summary>
/// <c>forcelink generate</c> against an emulated org with a custom object of every field type the emulator has: the
/// code it writes compiles with the trim and AOT analyzers on and warnings as errors, and a record makes the round trip
/// through it; runs are idempotent, and files it did not write are left alone.
/// </summary>
public sealed class GenerateCommandTests
{
    [Fact]
    public async Task Generate_LeadCaseAndACustomObject_CompilesWithAotAnalyzers_AndARecordRoundTripsThroughIt()
    {
        await using var org = await StartAsync();
        var generated = await org.RunAsync("generate", "Shipment__c", "Lead", "case", "--namespace", "Acme.Shipping", "--out", "app/Models");
        Assert.True(generated.ExitCode == ExitCodes.Success, generated.ToString());
        Assert.Equal(["Case.g.cs", "Lead.g.cs", "Shipment.g.cs", "ShippingJsonContext.g.cs"], Directory.GetFiles(org.Session.PathOf("app/Models")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var shipment = await File.ReadAllTextAsync(org.Session.PathOf("app/Models/Shipment.g.cs"));
        Assert.Contains("//   forcelink generate Case Lead Shipment__c --namespace Acme.Shipping --context ShippingJsonContext\n", shipment, StringComparison.Ordinal);
        Assert.Contains("    public string? Carrier\n", shipment, StringComparison.Ordinal);
        Assert.Contains("(<c>Carrier__c</c>): text, up to 40 characters. Required on create.", shipment, StringComparison.Ordinal);
        Assert.Contains("public string? CaseNumber => GetString(\"CaseNumber\");", await File.ReadAllTextAsync(org.Session.PathOf("app/Models/Case.g.cs")), StringComparison.Ordinal);

        var app = org.Session.PathOf("app");
        await File.WriteAllTextAsync(Path.Combine(app, "Models", "Gauge.g.cs"), GaugeType());
        await File.WriteAllTextAsync(Path.Combine(app, "Shipping.csproj"), ProjectFile());
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), Program);
        var (buildExit, buildLog) = await ProcessRunner.RunAsync(
            "dotnet", ["build", Path.Combine(app, "Shipping.csproj"), "-c", "Release", "-o", Path.Combine(app, "out"), "--disable-build-servers", "-nodeReuse:false"],
            TimeSpan.FromMinutes(5), workingDirectory: app);
        Assert.True(buildExit == 0, buildLog);
        Assert.Matches(@"\b0 Warning\(s\)", buildLog);

        var (runExit, runOutput) = await ProcessRunner.RunAsync(
            "dotnet", [Path.Combine(app, "out", "Shipping.dll"), org.Host.BaseUrl.GetLeftPart(UriPartial.Authority), CliOrg.ConsumerKey, CliOrg.Username, org.KeyFile],
            TimeSpan.FromMinutes(1), workingDirectory: app);
        Assert.True(runExit == 0, runOutput);
        Assert.Contains("shipment SHP-1|X-1|UPS|Sent|Fragile;Heavy|12.5|3|True|99.95|7.5|2026-12-07|2026-12-07T13:30:00.0000000+00:00|ops@example.com|+1 555 0100|https://track.example.com/1|Handle with care|account ok|reserved|same name|owner set|a0", runOutput, StringComparison.Ordinal);
        Assert.Contains("json round trip ok", runOutput, StringComparison.Ordinal);
        Assert.Contains("lead L-9 Gen", runOutput, StringComparison.Ordinal);
        Assert.Contains("case 0000", runOutput, StringComparison.Ordinal);
        Assert.Contains("gauge 13:30:05.250|12345678901|1|{\"Reading_At__c\":\"08:05:00.000Z\",\"Counter__c\":9000000000,\"Payload__c\":{\"b\":2}}", runOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generate_RunAgain_InAnyOrder_WritesTheSameBytes_AndSaysUnchanged()
    {
        await using var org = await StartAsync();
        var first = await org.RunAsync("generate", "Lead", "Shipment__c", "--namespace", "Acme.Shipping", "--out", "Models");
        var before = Snapshot(org.Session.PathOf("Models"));

        var again = await org.RunAsync("generate", "shipment__c", "LEAD", "Lead", "--namespace", "Acme.Shipping", "--output", "Models");

        Assert.True(first.ExitCode == ExitCodes.Success, first.ToString());
        Assert.True(again.ExitCode == ExitCodes.Success, again.ToString());
        Assert.Equal(before, Snapshot(org.Session.PathOf("Models")));
        Assert.Equal(3, Regex.Count(again.Output, "^unchanged ", RegexOptions.Multiline));
        Assert.DoesNotContain("wrote", again.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generate_AFileItDidNotWriteIsInTheWay_WritesNothing_AndSaysWhichAndWhatToDo()
    {
        await using var org = await StartAsync();
        Directory.CreateDirectory(org.Session.PathOf("Models"));
        await File.WriteAllTextAsync(org.Session.PathOf("Models/Lead.g.cs"), "namespace Acme;\n// mine\n");

        var run = await org.RunAsync("generate", "Lead", "Shipment__c", "--namespace", "Acme.Shipping", "--out", "Models");

        Assert.True(run.ExitCode == ExitCodes.Failure, run.ToString());
        Assert.Contains("nothing was written", run.Error, StringComparison.Ordinal);
        Assert.Contains("Lead.g.cs exists and was not written by `forcelink generate`", run.Error, StringComparison.Ordinal);
        Assert.Contains("choose another --out folder", run.Error, StringComparison.Ordinal);
        Assert.Equal(["Lead.g.cs"], Directory.GetFiles(org.Session.PathOf("Models")).Select(Path.GetFileName));
        Assert.Equal("namespace Acme;\n// mine\n", await File.ReadAllTextAsync(org.Session.PathOf("Models/Lead.g.cs")));
    }

    [Fact]
    public async Task Generate_AnObjectTheOrgDoesNotHave_NamesIt_HintsTheSuffix_AndPointsToSObjectList()
    {
        await using var org = await StartAsync();

        var run = await org.RunAsync("generate", "Lead", "Shipment", "Nope__c", "--namespace", "Acme.Shipping", "--out", "Models");

        Assert.True(run.ExitCode == ExitCodes.NotFound, run.ToString());
        Assert.Contains("the org has no object named 'Shipment', 'Nope__c'", run.Error, StringComparison.Ordinal);
        Assert.Contains("Shipment -> Shipment__c", run.Error, StringComparison.Ordinal);
        Assert.Contains("`forcelink sobject list`", run.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(org.Session.PathOf("Models")));
    }

    [Theory]
    [InlineData("--namespace", "Acme.class", "--namespace 'Acme.class' is not a C# namespace")]
    [InlineData("--context", "My-Context", "--context 'My-Context' is not a C# class name")]
    public async Task Generate_BadNamespaceOrContext_IsAUsageErrorBeforeAnyCall(string option, string value, string message)
    {
        using var session = new CliSession();
        var args = new List<string> { "generate", "Lead", "--out", "Models", option, value };
        if (option != "--namespace")
        {
            args.AddRange(["--namespace", "Acme"]);
        }

        var run = await session.RunAsync([.. args]);

        Assert.True(run.ExitCode == ExitCodes.Usage, run.ToString());
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
    }

    private static Task<CliOrg> StartAsync() => CliOrg.StartAsync((options, _) =>
    {
        options.Org.CustomFields["Lead"] = [new CustomFieldOptions { Name = "Ext_Id__c", Label = "External Id", Length = 40, ExternalId = true, Unique = true }];
        options.Org.CustomObjects.Add(new CustomObjectOptions
        {
            Name = "Shipment__c",
            Label = "Shipment",
            Fields =
            [
                new() { Name = "Carrier__c", Type = "string", Length = 40, Required = true },
                new() { Name = "Ext_Id__c", Label = "External Id", Type = "string", Length = 40, ExternalId = true, Unique = true },
                new() { Name = "Status__c", Type = "picklist", PicklistValues = ["Draft", "Sent", "Delivered"], DefaultValue = "Draft" },
                new() { Name = "Tags__c", Type = "multipicklist", PicklistValues = ["Fragile", "Heavy", "Cold"] },
                new() { Name = "Weight__c", Type = "double" },
                new() { Name = "Pieces__c", Type = "int" },
                new() { Name = "Insured__c", Type = "checkbox" },
                new() { Name = "Cost__c", Type = "currency" },
                new() { Name = "Discount__c", Type = "percent" },
                new() { Name = "Ship_Date__c", Type = "date" },
                new() { Name = "Shipped_At__c", Type = "datetime" },
                new() { Name = "Contact_Email__c", Type = "email" },
                new() { Name = "Phone__c", Type = "phone" },
                new() { Name = "Tracking_Url__c", Type = "url" },
                new() { Name = "Notes__c", Type = "textarea" },
                new() { Name = "Account__c", Type = "reference", ReferenceTo = ["Account"] },

                // Names that must not become the plain property name: a member of SObject, and the class itself.
                new() { Name = "Set__c", Type = "string" },
                new() { Name = "Shipment__c", Type = "string" },
            ],
        });
    });

    /// <summary>A type of the field types the emulator has no field of (time, long, anyType, and the skipped compound and
    /// base64), written from a describe as Salesforce would give it.</summary>
    private static string GaugeType()
    {
        FieldDescription Field(string name, string type) => new() { Name = name, Label = name[..^3], Type = type, Custom = true, Nillable = true, Createable = true, Updateable = true };
        var description = new SObjectDescription
        {
            Name = "Gauge__c",
            Label = "Gauge",
            Custom = true,
            Fields = [Field("Reading_At__c", "time"), Field("Counter__c", "long"), Field("Payload__c", "anyType"), Field("Spot__c", "location"), Field("Blob__c", "base64")],
        };
        return RecordTypeWriter.Write(RecordTypePlan.Create(description, "Gauge"), "Acme.Shipping", GeneratedHeader.For("forcelink generate Gauge__c --namespace Acme.Shipping"));
    }

    private static Dictionary<string, string> Snapshot(string folder) =>
        Directory.GetFiles(folder).ToDictionary(f => Path.GetFileName(f), f => Convert.ToBase64String(File.ReadAllBytes(f)));

    /// <summary>A program outside the repository (no Directory.Build.props): the library as built for these tests, its two
    /// packages, and every trim and AOT analyzer on with warnings as errors.</summary>
    private static string ProjectFile()
    {
        var versions = XDocument.Load(Path.Combine(RepositoryPaths.Root, "Directory.Packages.props")).Descendants("PackageVersion")
            .ToDictionary(e => (string)e.Attribute("Include")!, e => (string)e.Attribute("Version")!, StringComparer.Ordinal);
        var library = Path.Combine(AppContext.BaseDirectory, "Forcelink.dll");
        return $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <IsAotCompatible>true</IsAotCompatible>
                <EnableTrimAnalyzer>true</EnableTrimAnalyzer>
                <EnableAotAnalyzer>true</EnableAotAnalyzer>
                <JsonSerializerIsReflectionEnabledByDefault>false</JsonSerializerIsReflectionEnabledByDefault>
                <InvariantGlobalization>true</InvariantGlobalization>
                <GenerateDocumentationFile>true</GenerateDocumentationFile>
              </PropertyGroup>
              <ItemGroup>
                <Reference Include="{library}" />
                <PackageReference Include="Microsoft.Extensions.Logging.Abstractions" Version="{versions["Microsoft.Extensions.Logging.Abstractions"]}" />
              </ItemGroup>
            </Project>
            """;
    }

    private const string Program = """
        using System.Globalization;
        using System.Text.Json;
        using Acme.Shipping;
        using Forcelink;
        using Forcelink.Authentication;
        using SObject = Forcelink.Records.SObject;

        using var key = await RsaSigningKey.LoadAsync(args[3]);
        using var client = new SalesforceClient(
            new JwtBearerCredential(new JwtBearerCredentialOptions { LoginUrl = new Uri(args[0]), ConsumerKey = args[1], Username = args[2] }, key));

        var account = new SObject("Account") { ["Name"] = "Acme" };
        var accountId = await client.CreateAsync(account);
        var id = await client.CreateAsync(new Shipment
        {
            Name = "SHP-1",
            Carrier = "UPS",
            ExtId = "X-1",
            Status = "Sent",
            Tags = "Fragile;Heavy",
            Weight = 12.5m,
            Pieces = 3,
            Insured = true,
            Cost = 99.95m,
            Discount = 7.5m,
            ShipDate = new DateOnly(2026, 12, 7),
            ShippedAt = new DateTimeOffset(2026, 12, 7, 13, 30, 0, TimeSpan.Zero),
            ContactEmail = "ops@example.com",
            Phone = "+1 555 0100",
            TrackingUrl = "https://track.example.com/1",
            Notes = "Handle with care",
            Account = accountId,
            SetField = "reserved",
            ShipmentField = "same name",
        });

        var s = await client.GetAsync<Shipment>(id);
        Console.WriteLine(string.Join('|', new string?[] {
            "shipment " + s.Name, s.ExtId, s.Carrier, s.Status, s.Tags, s.Weight?.ToString(CultureInfo.InvariantCulture), s.Pieces?.ToString(CultureInfo.InvariantCulture),
            s.Insured?.ToString(), s.Cost?.ToString(CultureInfo.InvariantCulture), s.Discount?.ToString(CultureInfo.InvariantCulture),
            s.ShipDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), s.ShippedAt?.ToString("O", CultureInfo.InvariantCulture),
            s.ContactEmail, s.Phone, s.TrackingUrl, s.Notes, s.Account == accountId ? "account ok" : "account " + s.Account, s.SetField, s.ShipmentField,
            s.OwnerId is null ? "no owner" : "owner set", s.Id![..2] }));

        var json = JsonSerializer.Serialize(s, ShippingJsonContext.Default.Shipment);
        var back = JsonSerializer.Deserialize(json, ShippingJsonContext.Default.Shipment)!;
        var list = JsonSerializer.Deserialize(JsonSerializer.Serialize(new List<Shipment> { s }, ShippingJsonContext.Default.ListShipment), ShippingJsonContext.Default.ListShipment)!;
        Console.WriteLine(back.Id == id && back.Weight == 12.5m && back.ObjectName == "Shipment__c" && list[0].Carrier == "UPS" ? "json round trip ok" : "json round trip differs: " + json);

        var leadId = await client.CreateAsync(new Lead { LastName = "Gen", Company = "Acme", ExtId = "L-9" });
        var lead = await client.GetAsync<Lead>(leadId);
        Console.WriteLine($"lead {lead.ExtId} {lead.Name}");

        var caseId = await client.CreateAsync(new Case { Subject = "Generated" });
        Console.WriteLine($"case {(await client.GetAsync<Case>(caseId)).CaseNumber}");

        var gauge = SObject.FromJson<Gauge>(System.Text.Json.Nodes.JsonNode.Parse("{\"Reading_At__c\":\"13:30:05.250Z\",\"Counter__c\":12345678901,\"Payload__c\":{\"a\":1}}")!.AsObject());
        var before = $"{gauge.ReadingAt?.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)}|{gauge.Counter}|{gauge.Payload?["a"]}";
        gauge.ReadingAt = new TimeOnly(8, 5);
        gauge.Counter = 9_000_000_000;
        gauge.Payload = new System.Text.Json.Nodes.JsonObject { ["b"] = 2 };
        Console.WriteLine($"gauge {before}|{gauge.ToJson()}");
        """;
}
