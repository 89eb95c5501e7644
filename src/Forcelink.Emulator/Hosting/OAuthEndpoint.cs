using Forcelink.Emulator.Auth;
using Forcelink.Emulator.Org;
using Microsoft.AspNetCore.WebUtilities;

namespace Forcelink.Emulator.Hosting;

/// <summary><c>/services/oauth2/token</c> and <c>/services/oauth2/revoke</c> over HTTP.</summary>
internal sealed class OAuthEndpoint(EmulatedOrg org, ServerAddress address)
{
    private readonly TokenEndpoint _token = new(org);

    public async Task TokenAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        TokenOutcome outcome;
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            outcome = TokenEndpoint.Error("invalid_request", "must use HTTP POST");
        }
        else
        {
            var form = QueryHelpers.ParseQuery(await RequestReader.ReadBodyAsync(context, cancellationToken))
                .ToDictionary(kv => kv.Key, kv => kv.Value.ToString(), StringComparer.Ordinal);
            await org.Gate.WaitAsync(cancellationToken);
            try
            {
                outcome = _token.Exchange(form, address.BaseUrl, context.Request.Headers.Authorization.ToString() is { Length: > 0 } authorization ? authorization : null);
            }
            finally
            {
                org.Gate.Release();
            }
        }

        context.Response.Headers.CacheControl = "no-store";
        await ResponseWriter.WriteAsync(context, outcome.Status, ResponseWriter.JsonContentType, outcome.Body, cancellationToken);
    }

    public async Task RevokeAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        var form = QueryHelpers.ParseQuery(await RequestReader.ReadBodyAsync(context, cancellationToken));
        var token = form.TryGetValue("token", out var t) ? t.ToString() : context.Request.Query["token"].ToString();
        context.Response.Headers.CacheControl = "no-store";
        if (token.Length > 0 && org.Sessions.Revoke(token))
        {
            context.Response.StatusCode = 200;
            return;
        }

        await ResponseWriter.WriteAsync(context, 400, ResponseWriter.JsonContentType, TokenEndpoint.Error("invalid_token", "invalid token").Body, cancellationToken);
    }
}
