using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.Json;
using Forcelink.Authentication;
using Forcelink.Cli.Configuration;
using Forcelink.Emulator.Hosting;

namespace Forcelink.Cli.Commands;

/// <summary><c>forcelink emulator</c>: a local Salesforce org that <c>--org emulator</c> logs in to, until Ctrl+C.</summary>
internal sealed class EmulatorCommand : CliCommand
{
    private readonly Option<int> _port = new(EmulatorArguments.Port.Name, "-p")
    {
        Description = EmulatorArguments.Port.Description,
        DefaultValueFactory = _ => EmulatorArguments.DefaultPort,
        CustomParser = ParsePort,
        HelpName = EmulatorArguments.Port.ValueName,
    };

    private readonly Option<string?> _data = new(EmulatorArguments.Data.Name) { Description = EmulatorArguments.Data.Description, HelpName = EmulatorArguments.Data.ValueName };
    private readonly Option<string?> _seed = new(EmulatorArguments.Seed.Name)
    {
        Description = $"{EmulatorArguments.Seed.Description} Added to the app and user this command sets up.",
        HelpName = EmulatorArguments.Seed.ValueName,
    };

    public EmulatorCommand(CliContext context)
        : base("emulator", "Run the Forcelink emulator (a local Salesforce org) with a connected app and a pre-authorized user, for --org emulator.", context)
    {
        Options.Add(_port);
        Options.Add(_data);
        Options.Add(_seed);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var state = EmulatorProfile.StateDirectory(Context);
        Directory.CreateDirectory(state);
        // The seed is read before the key pair is touched, so a bad seed file changes nothing on disk.
        var seedPath = parseResult.GetValue(_seed) is { } seed ? Context.ResolvePath(seed) : null;
        var org = seedPath is null ? new OrgOptions() : LoadSeed(seedPath);
        var certificatePem = await EnsureKeyPairAsync(cancellationToken);
        var options = new EmulatorOptions
        {
            Port = parseResult.GetValue(_port),
            DataFile = parseResult.GetValue(_data) is { } data ? Context.ResolvePath(data) : null,
            TimeProvider = Context.TimeProvider,
            Org = org,
        };
        options.Org.Apps.Add(new AppOptions { Name = "Forcelink", ConsumerKey = EmulatorProfile.ConsumerKey, CertificatePem = certificatePem, Profiles = ["System Administrator"] });
        options.Org.Users.Add(new UserOptions { Username = EmulatorProfile.Username, FirstName = "Integration", LastName = "User" });

        EmulatorHost host;
        try
        {
            host = await EmulatorHost.StartAsync(options, cancellationToken);
        }
        catch (IOException e)
        {
            throw new CliException(ExitCodes.Failure, $"cannot listen on 127.0.0.1:{options.Port}: {e.Message} Choose another --port (0 picks a free one).");
        }
        catch (ArgumentException e) when (seedPath is not null)
        {
            // Without a seed the options are the command's own and always valid; with one, what the emulator refuses
            // (a custom field on an unknown object, a record that breaks a save rule) is the seed's problem.
            throw new CliException(ExitCodes.ConfigInvalid, $"seed {seedPath}: {CliException.MessageOf(e)}");
        }

        await using (host)
        {
            var url = host.BaseUrl.GetLeftPart(UriPartial.Authority);
            await File.WriteAllTextAsync(EmulatorProfile.UrlFile(Context), url, cancellationToken);
            await Output.WriteLineAsync($"""
                Forcelink emulator running (org {host.Org.OrgId}). Ctrl+C stops it.
                  Login URL:    {url}
                  Consumer key: {EmulatorProfile.ConsumerKey}
                  Username:     {EmulatorProfile.Username}
                  Key file:     {EmulatorProfile.KeyFile(Context)}
                  Certificate:  {EmulatorProfile.CertificateFile(Context)}
                Try, in another shell:
                  forcelink --org emulator doctor
                  forcelink --org emulator lead create --field LastName=Doe --field Company=Acme
                Or set FORCELINK_LOGIN_URL={url} FORCELINK_CONSUMER_KEY={EmulatorProfile.ConsumerKey} FORCELINK_USERNAME={EmulatorProfile.Username} FORCELINK_PRIVATE_KEY_FILE={EmulatorProfile.KeyFile(Context)}
                """);
            await Output.FlushAsync(cancellationToken);
            try
            {
                await host.WaitForShutdownAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }

            File.Delete(EmulatorProfile.UrlFile(Context));
            await Output.WriteLineAsync("Emulator stopped.");
        }

        return ExitCodes.Success;
    }

    /// <summary>The emulator's own port rule and message, so both command lines refuse the same values alike.</summary>
    private static int ParsePort(ArgumentResult result)
    {
        if (result.Tokens.Count == 0)
        {
            return EmulatorArguments.DefaultPort;
        }

        if (EmulatorArguments.ParsePort(result.Tokens[0].Value, out var port) is { } error)
        {
            result.AddError(error + ".");
        }

        return port;
    }

    /// <summary>
    /// The seed, refused when it defines the app or user this command adds itself: <c>--org emulator</c> logs in with
    /// exactly those, so a seed may add to the org but not replace them.
    /// </summary>
    private static OrgOptions LoadSeed(string path)
    {
        if (!File.Exists(path))
        {
            throw new CliException(ExitCodes.ConfigInvalid, $"seed {path}: the file does not exist.");
        }

        OrgOptions org;
        try
        {
            org = CommandLine.LoadSeed(path);
        }
        catch (JsonException e)
        {
            throw new CliException(ExitCodes.ConfigInvalid, $"seed {path}: not a valid seed file: {e.Message} See docs/emulator.md, 'Seed file format'.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new CliException(ExitCodes.ConfigInvalid, $"seed {path}: {CliException.MessageOf(e)}");
        }

        if (org.Apps.Any(a => string.Equals(a.ConsumerKey, EmulatorProfile.ConsumerKey, StringComparison.Ordinal)))
        {
            throw new CliException(ExitCodes.ConfigInvalid, $"seed {path}: an app has the consumer key {EmulatorProfile.ConsumerKey}, which is the app this command sets up for --org emulator; give it another consumer key or remove it.");
        }

        if (org.Users.Any(u => string.Equals(u.Username, EmulatorProfile.Username, StringComparison.OrdinalIgnoreCase)))
        {
            throw new CliException(ExitCodes.ConfigInvalid, $"seed {path}: the user {EmulatorProfile.Username} is the user this command sets up for --org emulator; give it another username or remove it.");
        }

        return org;
    }

    /// <summary>Reuses the key pair from an earlier run when it is still usable, so running scripts keep working.</summary>
    private async Task<string> EnsureKeyPairAsync(CancellationToken cancellationToken)
    {
        var keyPath = EmulatorProfile.KeyFile(Context);
        var certificatePath = EmulatorProfile.CertificateFile(Context);
        if (File.Exists(keyPath) && File.Exists(certificatePath))
        {
            try
            {
                var check = await CertCheckCommand.CheckAsync(keyPath, null, certificatePath, Context.TimeProvider, cancellationToken: cancellationToken);
                if (check.IsUsable && check.ExpiresIn > TimeSpan.FromDays(1))
                {
                    return await File.ReadAllTextAsync(certificatePath, cancellationToken);
                }
            }
            catch (CliException)
            {
                // A damaged pair is replaced below.
            }
        }

        await KeygenCommand.WritePairAsync(keyPath, certificatePath, RsaSigningKey.MinimumKeySize, "CN=forcelink-emulator", TimeSpan.FromDays(365), overwrite: true, Context.TimeProvider, cancellationToken);
        return await File.ReadAllTextAsync(certificatePath, cancellationToken);
    }
}
