using Forcelink.Configuration;
using System.Buffers.Text;
using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Forcelink.Authentication;
using Forcelink.Cli.Configuration;

namespace Forcelink.Cli.Commands;

/// <summary><c>forcelink jwt</c>: look inside an assertion, or sign one from the configuration.</summary>
internal sealed class JwtCommand : Command
{
    public JwtCommand(CliContext context)
        : base("jwt", "Decode a JWT bearer assertion, or mint one from the configuration.")
    {
        Subcommands.Add(new JwtDecodeCommand(context));
        Subcommands.Add(new JwtMintCommand(context));
    }
}

/// <summary><c>forcelink jwt decode</c>: "debug your JWT claims", the setup guide's last advice.</summary>
internal sealed class JwtDecodeCommand : CliCommand
{

    private readonly Argument<string> _assertion = new("ASSERTION") { Description = "The assertion (header.claims.signature)." };

    public JwtDecodeCommand(CliContext context)
        : base("decode", "Show an assertion's header and claims, with exp as a date and the time left, and check them: exit 9 when Salesforce would refuse it. The signature is not verified.", context)
    {
        Arguments.Add(_assertion);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var parts = parseResult.GetValue(_assertion)!.Trim().Split('.');
        if (parts.Length != 3)
        {
            throw new CliException(ExitCodes.Failure, $"this is not a JWT: it has {parts.Length} part{(parts.Length == 1 ? "" : "s")} separated by dots, a signed JWT has 3 (header.claims.signature).");
        }

        var header = DecodePart(parts[0], "header");
        var claims = DecodePart(parts[1], "claims");
        await Output.WriteLineAsync("Header:");
        await Output.WriteLineAsync(header.ToJsonString(CliJson.Indented));
        await Output.WriteLineAsync("Claims:");
        await Output.WriteLineAsync(claims.ToJsonString(CliJson.Indented));
        var now = Context.TimeProvider.GetUtcNow();
        if (AssertionReview.Expiry(claims) is { } expires)
        {
            var left = expires - now;
            await Output.WriteLineAsync(left >= TimeSpan.Zero
                ? $"exp:       {expires:yyyy-MM-dd HH:mm:ss} UTC ({Span(left)} left)"
                : $"exp:       {expires:yyyy-MM-dd HH:mm:ss} UTC (EXPIRED {Span(-left)} ago)");
        }

        await Output.WriteLineAsync($"Signature: {Base64Url.GetMaxDecodedLength(parts[2].Length)} bytes, NOT verified (decode only reads the token; Salesforce verifies it against the uploaded certificate).");
        var findings = AssertionReview.Review(header, claims, now);
        foreach (var finding in findings)
        {
            await Output.WriteLineAsync($"{(finding.IsProblem ? "Problem" : "Warning")}: {finding.Message}");
        }

        var problems = findings.Count(f => f.IsProblem);
        if (problems > 0)
        {
            await Error.WriteLineAsync($"error: {problems} problem{(problems == 1 ? "" : "s")} found: Salesforce would refuse this assertion.");
            return ExitCodes.AssertionInvalid;
        }

        return ExitCodes.Success;
    }

    private static JsonObject DecodePart(string part, string name)
    {
        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(part);
        }
        catch (FormatException)
        {
            throw new CliException(ExitCodes.Failure, $"the JWT {name} is not base64url.");
        }

        try
        {
            return JsonNode.Parse(bytes) as JsonObject ?? throw new CliException(ExitCodes.Failure, $"the JWT {name} is not a JSON object.");
        }
        catch (JsonException)
        {
            throw new CliException(ExitCodes.Failure, $"the JWT {name} is not JSON.");
        }
    }

    private static string Span(TimeSpan span) => span.TotalDays >= 1
        ? $"{(int)span.TotalDays} d {span.Hours} h"
        : span.TotalHours >= 1 ? $"{(int)span.TotalHours} h {span.Minutes} min" : $"{(int)span.TotalMinutes} min {span.Seconds} s";
}

/// <summary><c>forcelink jwt mint</c>: the assertion the configuration would send, for curl or a debugger.</summary>
internal sealed class JwtMintCommand : CliCommand
{
    public JwtMintCommand(CliContext context)
        : base("mint", "Sign an assertion with the configured key and print it to stdout (it is a credential for 3 minutes).", context)
    {
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        using var connection = await OrgConnection.OpenAsync(Context, parseResult.GetValue<string?>(GlobalOptions.OrgName), cancellationToken);
        var assertion = (connection.JwtCredential ?? throw new CliException(ExitCodes.ConfigInvalid,
            $"'jwt mint' signs an assertion for the JWT bearer flow, but {connection.Settings.Name(SettingNames.Auth)} is client_credentials, which sends no assertion.")).CreateAssertion();
        await Error.WriteLineAsync("warning: the assertion below is a credential: anyone holding it can log in as this user until it expires (3 minutes). Do not paste it into tickets or chats.");
        await Output.WriteLineAsync(assertion);
        return ExitCodes.Success;
    }
}
