using System.Globalization;
using System.Text.Json;

namespace Forcelink.Emulator.Hosting;

/// <summary>Parses the emulator's command line into options; every problem is reported as one line.</summary>
internal static class CommandLine
{
    public const string Usage =
        "usage: Forcelink.Emulator [--port N] [--consumer-key KEY --certificate server.crt --username USER] [--seed seed.json] [--data records.db] [--org-kind production|sandbox] [--random-seed N]";

    public static EmulatorOptions Parse(IReadOnlyList<string> args, out string? error)
    {
        var options = new EmulatorOptions();
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
            switch (name)
            {
                case "--port":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
                    {
                        error = $"--port must be a number from 0 to 65535, got '{value}'";
                        return options;
                    }

                    options.Port = port;
                    break;
                case "--consumer-key":
                    consumerKey = value;
                    break;
                case "--certificate":
                    certificate = value;
                    break;
                case "--username":
                    username = value;
                    break;
                case "--seed":
                    seed = value;
                    break;
                case "--data":
                    options.DataFile = Path.GetFullPath(value);
                    break;
                case "--org-kind":
                    orgKind = value;
                    break;
                case "--random-seed":
                    if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var rs))
                    {
                        error = $"--random-seed must be a number, got '{value}'";
                        return options;
                    }

                    randomSeed = rs;
                    break;
                default:
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
            error = "--consumer-key, --certificate and --username go together";
            return options;
        }

        if (seed is null && consumerKey is null)
        {
            error = "either --seed or --consumer-key, --certificate and --username are required";
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
            if (!Enum.TryParse<OrgKind>(orgKind, ignoreCase: true, out var kind))
            {
                error = $"--org-kind must be production or sandbox, got '{orgKind}'";
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
