using System.IO.Compression;
using System.Text.RegularExpressions;
using Forcelink.Emulator.Hosting;
using Forcelink.IntegrationTests.Emulator;

namespace Forcelink.IntegrationTests.Packaging;

/// <summary>
/// The packages as a new user gets them: packed into a folder, then used by projects outside the repository that know
/// only that folder and nuget.org: a class library with AOT analysis on compiles the examples of docs/own-function.md,
/// a console program logs in to the emulator and creates a Lead through AddSalesforceClient, and the tool installs and
/// runs its demo.
/// </summary>
public sealed partial class PackagesTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(20);

    private static readonly string[] Packages = ["Forcelink", "Forcelink.Aws", "Forcelink.Extensions.DependencyInjection", "Forcelink.Cli"];

    [Fact]
    public async Task Pack_FreshProjectsAndTool_BuildRunAndCreateALead()
    {
        var work = Directory.CreateTempSubdirectory("forcelink-packages-");
        try
        {
            // A version of its own, so that nothing cached by an earlier run is restored instead.
            var version = $"0.9.0-packagetest.{Guid.NewGuid():N}"[..30];
            var feed = Path.Combine(work.FullName, "feed");
            var environment = new Dictionary<string, string>
            {
                ["NUGET_PACKAGES"] = Path.Combine(work.FullName, "packages"),
                ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
                ["DOTNET_NOLOGO"] = "1",
            };

            // The package projects, as `dotnet pack Forcelink.slnx` packs them (the solution's other projects are not
            // packable), into an artifacts folder of its own: the pack must not rewrite the binaries this test runs from.
            foreach (var package in Packages)
            {
                var project = Path.Combine(RepositoryPaths.Root, "src", package, $"{package}.csproj");
                var pack = await DotnetAsync(
                    ["pack", project, "-c", "Release", "-o", feed, $"-p:Version={version}", "--artifacts-path", Path.Combine(work.FullName, "artifacts")],
                    RepositoryPaths.Root, new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" });
                Assert.DoesNotContain(": warning ", pack, StringComparison.Ordinal);
            }

            var produced = Directory.GetFiles(feed).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(
                Packages.SelectMany(p => new[] { $"{p}.{version}.nupkg", $"{p}.{version}.snupkg" }).Order(StringComparer.Ordinal),
                produced);
            foreach (var package in Packages)
            {
                await using var archive = await ZipFile.OpenReadAsync(Path.Combine(feed, $"{package}.{version}.nupkg"));
                Assert.NotNull(archive.GetEntry("README.md"));
                await using var entry = await archive.GetEntry($"{package}.nuspec")!.OpenAsync();
                var nuspec = await new StreamReader(entry).ReadToEndAsync();
                Assert.Contains("<license type=\"expression\">", nuspec, StringComparison.Ordinal);
                Assert.Contains("<repository type=\"git\"", nuspec, StringComparison.Ordinal);
            }

            var config = Path.Combine(work.FullName, "nuget.config");
            await File.WriteAllTextAsync(config, await NuGetConfigAsync(feed));

            var library = Path.Combine(work.FullName, "OwnFunction");
            Directory.CreateDirectory(library);
            await File.WriteAllTextAsync(Path.Combine(library, "OwnFunction.csproj"), Project("Library", version, aot: true));
            var examples = DocExamples();
            Assert.Equal(["OperationMessage.cs", "LeadFunction.cs", "Registration.cs", "FakeSalesforceClient.cs"], examples.Select(e => e.File));
            foreach (var (file, code) in examples)
            {
                await File.WriteAllTextAsync(Path.Combine(library, file), code);
            }

            var built = await DotnetAsync(["build", library, "-c", "Release"], work.FullName, environment);
            Assert.DoesNotContain(": warning ", built, StringComparison.Ordinal);

            await using var emulator = await StartEmulatorAsync();
            var keyFile = Path.Combine(work.FullName, "server.key");
            await File.WriteAllTextAsync(keyFile, EmulatorFixture.Key.ExportPkcs8PrivateKeyPem());
            var console = Path.Combine(work.FullName, "LeadConsole");
            Directory.CreateDirectory(console);
            await File.WriteAllTextAsync(Path.Combine(console, "LeadConsole.csproj"), Project("Exe", version, aot: false));
            await File.WriteAllTextAsync(Path.Combine(console, "Program.cs"), ConsoleProgram);
            var run = await DotnetAsync(
                ["run", "--project", console, "-c", "Release"],
                work.FullName,
                new Dictionary<string, string>(environment)
                {
                    ["Salesforce__LoginUrl"] = emulator.BaseUrl.AbsoluteUri,
                    ["Salesforce__ConsumerKey"] = EmulatorFixture.ConsumerKey,
                    ["Salesforce__Username"] = EmulatorFixture.Username,
                    ["Salesforce__PrivateKeyFile"] = keyFile,
                });
            var id = LeadId().Match(run);
            Assert.True(id.Success, run);
            Assert.Equal(1, emulator.LoginCount(EmulatorFixture.Username));

            // NuGet refuses --add-source beside source mapping, and a tool package has no dependencies: nuget.org plus the folder.
            var toolConfig = Path.Combine(work.FullName, "tool.nuget.config");
            await File.WriteAllTextAsync(toolConfig, NuGetConfigWithoutMapping().Replace("{nuget.org}", NuGetOrg(await File.ReadAllTextAsync(config)), StringComparison.Ordinal));
            var tools = Path.Combine(work.FullName, "tools");
            await DotnetAsync(
                ["tool", "install", "--tool-path", tools, "--add-source", feed, "--configfile", toolConfig, "--version", version, "Forcelink.Cli"],
                work.FullName, environment);
            var (exitCode, demo) = await ProcessRunner.RunAsync(Path.Combine(tools, "forcelink"), ["demo"], Timeout, environment, work.FullName);
            Assert.True(exitCode == 0, demo);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private const string ConsoleProgram = """
        using Forcelink;
        using Forcelink.Records;
        using Microsoft.Extensions.Configuration;
        using Microsoft.Extensions.DependencyInjection;

        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var services = new ServiceCollection();
        services.AddSalesforceClient(configuration.GetSection("Salesforce"));
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<SalesforceClient>();
        var id = await client.CreateAsync(new Lead { LastName = "Packaged", Company = "Acme" });
        Console.WriteLine($"Lead {id}");
        """;

    [GeneratedRegex(@"Lead (?<id>00Q\w{12,15})")]
    private static partial Regex LeadId();

    [GeneratedRegex(@"<!-- compiled: (?<file>\S+\.cs) -->\s*```csharp\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex CompiledExample();

    /// <summary>The C# blocks of docs/own-function.md marked as compiled, each a whole file.</summary>
    private static List<(string File, string Code)> DocExamples()
    {
        var text = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "own-function.md")).ReplaceLineEndings("\n");
        return [.. CompiledExample().Matches(text).Select(m => (m.Groups["file"].Value, m.Groups["code"].Value))];
    }

    private static string Project(string outputType, string version, bool aot) => $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <TargetFramework>net10.0</TargetFramework>
            <OutputType>{outputType}</OutputType>
            <Nullable>enable</Nullable>
            <ImplicitUsings>enable</ImplicitUsings>
            <IsAotCompatible>{(aot ? "true" : "false")}</IsAotCompatible>
            <TreatWarningsAsErrors>{(aot ? "true" : "false")}</TreatWarningsAsErrors>
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="Forcelink" Version="{version}" />
            <PackageReference Include="Forcelink.Aws" Version="{version}" />
            <PackageReference Include="Forcelink.Extensions.DependencyInjection" Version="{version}" />
            <PackageReference Include="Microsoft.Extensions.Configuration.EnvironmentVariables" Version="10.0.5" />
          </ItemGroup>
        </Project>
        """;

    /// <summary>The local folder for Forcelink's packages only, and this machine's nuget.org (a mirror here) for everything else.</summary>
    private static async Task<string> NuGetConfigAsync(string feed)
    {
        var (_, sources) = await ProcessRunner.RunAsync("dotnet", ["nuget", "list", "source", "--format", "short"], TimeSpan.FromMinutes(1));
        var nugetOrg = sources.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith('E'))
            .Select(l => l[1..].Trim()).FirstOrDefault(u => u.StartsWith("http", StringComparison.Ordinal)) ?? "https://api.nuget.org/v3/index.json";
        return $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
                <add key="nuget.org" value="{nugetOrg}" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="local"><package pattern="Forcelink" /><package pattern="Forcelink.*" /></packageSource>
                <packageSource key="nuget.org"><package pattern="*" /></packageSource>
              </packageSourceMapping>
            </configuration>
            """;
    }

    private static string NuGetConfigWithoutMapping() => """
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <clear />
            <add key="nuget.org" value="{nuget.org}" />
          </packageSources>
        </configuration>
        """;

    private static string NuGetOrg(string config) => NuGetOrgSource().Match(config).Groups["url"].Value;

    [GeneratedRegex("""<add key="nuget.org" value="(?<url>[^"]+)" />""")]
    private static partial Regex NuGetOrgSource();

    private static Task<EmulatorHost> StartEmulatorAsync()
    {
        var options = new EmulatorOptions();
        options.Org.Apps.Add(new AppOptions { Name = "Forcelink", ConsumerKey = EmulatorFixture.ConsumerKey, CertificatePem = EmulatorFixture.CertificatePem, Profiles = ["System Administrator"] });
        options.Org.Users.Add(new UserOptions { Username = EmulatorFixture.Username, FirstName = "Integration", LastName = "User" });
        return EmulatorHost.StartAsync(options);
    }

    private static async Task<string> DotnetAsync(IReadOnlyList<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string> environment)
    {
        var (exitCode, output) = await ProcessRunner.RunAsync("dotnet", arguments, Timeout, environment, workingDirectory);
        Assert.True(exitCode == 0, $"dotnet {string.Join(' ', arguments)} failed ({exitCode}):\n{output}");
        return output;
    }
}
