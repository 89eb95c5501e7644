using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Forcelink.Http;
using Forcelink.Models;

namespace Forcelink;

public partial class SalesforceClient
{
    /// <summary>
    /// Sends a call to any resource of the org's REST API or an Apex REST service, through the same pipeline as every other
    /// call: the cached token (one login shared by concurrent calls, renewed after a 401), retries of transient failures for
    /// idempotent calls only (<see cref="RestRequest.Idempotent"/>), API usage tracking and <see cref="SalesforceClientOptions.MaxApiUsageShare"/>.
    /// Dispose the result; its body is read from the connection as it arrives.
    /// </summary>
    /// <exception cref="SalesforceException">Salesforce (or the Apex service) answered with a status of 300 or more; the
    /// exception carries the status and the error body's <c>errorCode</c>, such as <c>NOT_FOUND</c>.</exception>
    public virtual async Task<RestResult> SendAsync(RestRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        var path = request.IsVersionRelative ? await DataPathAsync(request.Path, cancellationToken).ConfigureAwait(false) : request.Path;
        using var activity = StartActivity("request", null);
        activity?.SetTag("http.request.method", request.Method.Method);
        using var message = new HttpRequestMessage(request.Method, path);
        foreach (var (name, value) in request.Headers)
        {
            if (!message.Headers.TryAddWithoutValidation(name, value))
            {
                throw new ArgumentException($"'{name}' is not a request header that can be set here (content headers follow the body).", nameof(request));
            }
        }

        if (request.Json is not null)
        {
            message.Content = JsonBody(request.Json);
        }
        else if (request.Content is not null)
        {
            message.Content = new StreamContent(new LeaveOpenStream(request.Content)) { Headers = { ContentType = MediaTypeHeaderValue.Parse(request.ContentType) } };
        }

        var response = await SendAsync(message, request.IsRetryable, cancellationToken).ConfigureAwait(false);
        return new RestResult(response);
    }

    /// <summary>Sends a call with an optional JSON body and returns the JSON answer: <c>SendJsonAsync(HttpMethod.Get, "limits")</c>.</summary>
    /// <param name="method">The HTTP method; retried after transient failures only when it is GET, HEAD, PUT, DELETE or OPTIONS.</param>
    /// <param name="path">Relative to <c>/services/data/vNN.N/</c>, or a path from <c>/services/data/</c> or <c>/services/apexrest/</c> (see <see cref="RestRequest"/>).</param>
    /// <param name="body">The JSON body; <see langword="null"/> sends none.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The body, or <see langword="null"/> when there is none (204).</returns>
    /// <exception cref="SalesforceException">Refused (status 300 or more), or the answer is not JSON.</exception>
    public virtual async Task<JsonNode?> SendJsonAsync(HttpMethod method, string path, JsonNode? body = null, CancellationToken cancellationToken = default)
    {
        using var result = await SendAsync(new RestRequest(method, path) { Json = body }, cancellationToken).ConfigureAwait(false);
        return await result.ReadJsonAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Calls an Apex REST service below <c>/services/apexrest/</c> with an optional JSON body and returns its JSON answer:
    /// <c>SendApexAsync(HttpMethod.Post, "LeadIntake", body)</c> for <c>@RestResource(urlMapping='/LeadIntake/*')</c>.
    /// POST and PATCH are never retried, since an Apex method may create records; use <see cref="SendAsync(RestRequest, CancellationToken)"/>
    /// with <see cref="RestRequest.Idempotent"/> for a service that is safe to repeat.</summary>
    /// <exception cref="SalesforceException">Refused: <c>NOT_FOUND</c> (404, no class maps the URL), <c>APEX_ERROR</c> (500, the
    /// Apex code threw), or the service's own status; or the answer is not JSON.</exception>
    public virtual async Task<JsonNode?> SendApexAsync(HttpMethod method, string path, JsonNode? body = null, CancellationToken cancellationToken = default)
    {
        using var result = await SendAsync(new RestRequest(method, RestRequest.ApexPath(path)) { Json = body }, cancellationToken).ConfigureAwait(false);
        return await result.ReadJsonAsync(cancellationToken).ConfigureAwait(false);
    }
}
