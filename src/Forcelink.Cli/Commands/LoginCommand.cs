using System.CommandLine;
using System.Text.Json.Nodes;
using Forcelink.Cli.Configuration;

namespace Forcelink.Cli.Commands;

/// <summary><c>forcelink login</c>: one token exchange (JWT bearer or client credentials) with the configured org, and what it granted. Never the token.</summary>
internal sealed class LoginCommand : CliCommand
{
    private readonly Option<bool> _json = JsonOption.Create();

    public LoginCommand(CliContext context)
        : base("login", "Log in (JWT bearer or client credentials flow, as FORCELINK_AUTH says) and show the instance URL, org and user ids, scopes and API usage (never the token).", context)
    {
        Options.Add(_json);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        using var connection = await OrgConnection.OpenAsync(Context, parseResult.GetValue<string?>(GlobalOptions.OrgName), cancellationToken);
        var token = await connection.Client.GetTokenAsync(cancellationToken);
        // A cheap call that returns Sforce-Limit-Info, so the daily API usage can be shown.
        await connection.Client.GetLimitsAsync(cancellationToken);
        var usage = connection.Client.ApiUsage;
        if (parseResult.GetValue(_json))
        {
            var json = new JsonObject
            {
                ["auth"] = connection.Settings.IsClientCredentials ? "client_credentials" : "jwt",
                ["loginUrl"] = connection.LoginUrl.ToString(),
                ["audience"] = connection.JwtCredential?.Audience,
                ["username"] = connection.Settings.Username,
                ["instanceUrl"] = token.InstanceUrl.ToString(),
                ["organizationId"] = token.OrganizationId,
                ["userId"] = token.UserId,
                ["scopes"] = new JsonArray([.. token.Scopes.Select(s => (JsonNode?)s)]),
                ["apiUsage"] = usage is null ? null : new JsonObject { ["used"] = usage.Used, ["max"] = usage.Max },
            };
            await Output.WriteLineAsync(CliJson.Write(json));
            return ExitCodes.Success;
        }

        await Output.WriteLineAsync(connection.JwtCredential is { } jwt
            ? $"Logged in as {connection.Settings.Username} via {connection.TokenEndpoint} (audience {jwt.Audience})."
            : $"Logged in with the client credentials flow as the app's Run As user via {connection.TokenEndpoint}.");
        await Output.WriteLineAsync($"Instance URL: {token.InstanceUrl}");
        await Output.WriteLineAsync($"Org id:       {token.OrganizationId ?? "(not reported)"}");
        await Output.WriteLineAsync($"User id:      {token.UserId ?? "(not reported)"}");
        await Output.WriteLineAsync($"Scopes:       {(token.Scopes.Count > 0 ? string.Join(' ', token.Scopes) : "(not reported)")}");
        await Output.WriteLineAsync($"API usage:    {(usage is null ? "(not reported)" : $"{usage.Used:N0} of {usage.Max:N0} daily requests ({usage.Share:P1})")}");
        return ExitCodes.Success;
    }
}
