using System.Text.Json;
using static Forcelink.Emulator.Hosting.EmulatorArguments;

namespace Forcelink.Emulator.Hosting;

/// <summary>Parses the standalone emulator's command line into options; every problem is reported as one line.</summary>
internal static class CommandLine
{
    public static string Usage { get; } = "usage: Forcelink.Emulator " + string.Join(' ', All.Select(a => a == ConsumerKey
        ? $"[{a.Name} {a.ValueName}"
        : a == Certificate ? $"{a.Name} {a.ValueName}"
        : a == Username ? $"{a.Name} {a.ValueName}]"
        : $"[{a.Name} {a.ValueName}]"));

    public static EmulatorOptions Parse(IReadOnlyList<string> args, out string? error)
    {
        var options = new EmulatorOptions { Port = DefaultPort };
        error = null;
        string? consumerKey = null, certificate = null, username = null, seed = null, orgKind = null;
        int? randomSeed = null;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                error = name.StartsWith("--", StringComparison.Ordinal) ? $"missing value for {name}" : $"unexpected argument '{name}'";
                return options;
            }

            var value = args[++i];
            if (name == Port.Name)
            {
                if ((error = ParsePort(value, out var port)) is not null)
                {
                    return options;
                }

                options.Port = port;
            }
            else if (name == ConsumerKey.Name)
            {
                consumerKey = value;
            }
            else if (name == Certificate.Name)
            {
                certificate = value;
            }
            else if (name == Username.Name)
            {
                username = value;
            }
            else if (name == Seed.Name)
            {
                seed = value;
            }
            else if (name == Data.Name)
            {
                options.DataFile = Path.GetFullPath(value);
            }
            else if (name == Kind.Name)
            {
                orgKind = value;
            }
            else if (name == RandomSeed.Name)
            {
                if ((error = ParseRandomSeed(value, out var parsed)) is not null)
                {
                    return options;
                }

                randomSeed = parsed;
            }
            else
            {
                error = $"unknown option '{name}'";
                return options;
            }
        }

        try
        {
            if (seed is not null)
            {
                options.Org = LoadSeed(seed);
            }
        }
        catch (Exception e) when (e is IOException or JsonException or ArgumentException or UnauthorizedAccessException)
        {
            error = $"cannot load seed '{seed}': {e.Message}";
            return options;
        }

        var quickStart = new[] { consumerKey, certificate, username };
        if (quickStart.Any(v => v is not null) && quickStart.Any(v => v is null))
        {
            error = $"{ConsumerKey.Name}, {Certificate.Name} and {Username.Name} go together";
            return options;
        }

        if (seed is null && consumerKey is null)
        {
            error = $"either {Seed.Name} or {ConsumerKey.Name}, {Certificate.Name} and {Username.Name} are required";
            return options;
        }

        if (consumerKey is not null)
        {
            string pem;
            try
            {
                pem = File.ReadAllText(certificate!);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error = $"cannot read certificate '{certificate}': {e.Message}";
                return options;
            }

            options.Org.Apps.Add(new AppOptions { Name = "Forcelink", ConsumerKey = consumerKey, CertificatePem = pem, Profiles = ["System Administrator"] });
            if (!options.Org.Users.Any(u => string.Equals(u.Username, username, StringComparison.OrdinalIgnoreCase)))
            {
                options.Org.Users.Add(new UserOptions { Username = username!, Profile = "System Administrator" });
            }
        }

        if (orgKind is not null)
        {
            if ((error = ParseOrgKind(orgKind, out var kind)) is not null)
            {
                return options;
            }

            options.Org.Kind = kind;
        }

        if (randomSeed is { } s)
        {
            options.RandomSeed = s;
        }

        return options;
    }

    public static OrgOptions LoadSeed(string path)
    {
        var org = JsonSerializer.Deserialize<OrgOptions>(File.ReadAllText(path), ResponseWriter.SerializerOptions)
            ?? throw new ArgumentException("the seed file is empty");
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        foreach (var app in org.Apps.Where(a => a.CertificateFile is not null))
        {
            app.CertificatePem = File.ReadAllText(Path.Combine(directory, app.CertificateFile!));
        }

        return org;
    }
}
