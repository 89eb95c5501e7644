using Forcelink.Emulator.Api;
using Forcelink.Emulator.Org;

namespace Forcelink.Emulator.Hosting;

/// <summary>The identity service, <c>/id/orgId/userId</c>: who a token belongs to.</summary>
internal sealed class IdentityEndpoint(EmulatedOrg org, ServerAddress address)
{
    public async Task HandleAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        var session = org.Sessions.Authenticate(RequestReader.BearerToken(context) ?? context.Request.Query["oauth_token"].ToString());
        var parts = (context.Request.Path.Value ?? "/").Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (session is null)
        {
            await ResponseWriter.WriteAsync(context, 403, "text/plain;charset=UTF-8", "Bad_OAuth_Token", cancellationToken);
            return;
        }

        if (parts.Length != 3 || !string.Equals(parts[1], org.OrgId, StringComparison.OrdinalIgnoreCase) && !string.Equals(parts[1], org.OrgId15, StringComparison.Ordinal)
            || org.Users.FirstOrDefault(u => u.Id.StartsWith(parts[2], StringComparison.Ordinal)) is not { } user)
        {
            await ResponseWriter.WriteResultAsync(context, ApiResult.NotFound(), null, cancellationToken);
            return;
        }

        if (user.Id != session.User.Id)
        {
            // A token vouches for its own user only; of the identity service's 403 answers Bad_OAuth_Token fits a token
            // that is valid but not for this identity (see docs/emulator.md, choices).
            await ResponseWriter.WriteAsync(context, 403, "text/plain;charset=UTF-8", "Bad_OAuth_Token", cancellationToken);
            return;
        }

        var root = address.BaseUrl.GetLeftPart(UriPartial.Authority);
        var body = ApiResult.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteString("id", $"{root}/id/{org.OrgId}/{user.Id}");
            w.WriteBoolean("asserted_user", true);
            w.WriteString("user_id", user.Id);
            w.WriteString("organization_id", org.OrgId);
            w.WriteString("username", user.Options.Username);
            w.WriteString("nick_name", user.Options.Username.Split('@')[0]);
            w.WriteString("display_name", $"{user.Options.FirstName} {user.Options.LastName}".Trim());
            w.WriteString("email", user.Options.Email ?? user.Options.Username);
            w.WriteString("first_name", user.Options.FirstName);
            w.WriteString("last_name", user.Options.LastName);
            w.WriteBoolean("active", true);
            w.WriteString("user_type", "STANDARD");
            w.WriteStartObject("urls");
            w.WriteString("rest", $"{root}/services/data/v{{version}}/");
            w.WriteString("sobjects", $"{root}/services/data/v{{version}}/sobjects/");
            w.WriteString("search", $"{root}/services/data/v{{version}}/search/");
            w.WriteString("query", $"{root}/services/data/v{{version}}/query/");
            w.WriteString("custom_domain", root);
            w.WriteEndObject();
            w.WriteEndObject();
        });
        await ResponseWriter.WriteResultAsync(context, body, null, cancellationToken);
    }
}
