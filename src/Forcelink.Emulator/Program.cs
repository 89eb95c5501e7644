using Forcelink.Emulator.Hosting;

namespace Forcelink.Emulator;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var options = CommandLine.Parse(args, out var error);
        if (error is not null)
        {
            await Console.Error.WriteLineAsync($"error: {error}. {CommandLine.Usage}");
            return 2;
        }

        if (options.Validate() is { Count: > 0 } problems)
        {
            await Console.Error.WriteLineAsync($"error: {string.Join("; ", problems)}");
            return 2;
        }

        EmulatorHost host;
        try
        {
            host = await EmulatorHost.StartAsync(options);
        }
        catch (IOException e)
        {
            // Kestrel reports a port already in use as an IOException.
            await Console.Error.WriteLineAsync($"error: cannot listen on 127.0.0.1:{options.Port}: {e.Message}");
            return 1;
        }

        await using var running = host;
        var apps = string.Join(", ", host.Org.Options.Apps.Select(a => a.ConsumerKey));
        var users = string.Join(", ", host.Org.Users.Select(u => u.Options.Username));
        await Console.Out.WriteLineAsync(
            $"Forcelink emulator listening on {host.BaseUrl.GetLeftPart(UriPartial.Authority)} (org {host.Org.OrgId}, {host.Org.Options.Kind}; apps: {apps}; users: {users}; console: {host.BaseUrl}__emulator/)");
        await host.WaitForShutdownAsync();
        return 0;
    }
}
