using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Forcelink.Authentication;

/// <summary>
/// The OAuth 2.0 client credentials flow: posts <c>grant_type=client_credentials</c> with the app's consumer key and
/// secret to <c>{LoginUrl}/services/oauth2/token</c>, the org's My Domain, and receives a token for the app's Run As user.
/// Each call is a Salesforce login of that user (3,600 per hour): put a cache in front, as <see cref="SalesforceClient"/> does.
/// </summary>
public sealed class ClientCredentialsCredential : SalesforceCredential
{
    private const string GrantType = "client_credentials";

    private readonly string _consumerKey;
    private readonly string _consumerSecret;
    private readonly bool _inBody;
    private readonly TokenExchange _exchange;

    /// <summary>Creates the credential. Validates <paramref name="options"/> and reports every problem at once.</summary>
    /// <param name="options">Which org (its My Domain) and which app.</param>
    /// <param name="httpClient">The client for the token endpoint; by default a new one. Its base address is ignored.</param>
    /// <param name="timeProvider">The clock for retry backoff and the 10-second limit on each attempt; by default <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">Receives one event per login, never with secrets; by default none.</param>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem and its fix.</exception>
    public ClientCredentialsCredential(
        ClientCredentialsCredentialOptions options,
        HttpClient? httpClient = null,
        TimeProvider? timeProvider = null,
        ILogger<ClientCredentialsCredential>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(
                $"The client credentials settings are invalid:{Environment.NewLine}- {string.Join(Environment.NewLine + "- ", errors)}",
                nameof(options));
        }

        _consumerKey = options.ConsumerKey!;
        _consumerSecret = options.ConsumerSecret!;
        _inBody = options.SendCredentialsInBody;
        LoginUrl = options.LoginUrl!;
        TokenEndpoint = TokenExchange.TokenEndpointOf(LoginUrl);
        var keyPrefix = Redaction.Secret(_consumerKey);
        var facts = new TokenRequestFacts(TokenFlow.ClientCredentials, "", keyPrefix, "", LoginUrl, TokenEndpoint);
        _exchange = new TokenExchange(
            httpClient ?? new HttpClient(),
            timeProvider ?? TimeProvider.System,
            (ILogger?)logger ?? NullLogger.Instance,
            options.MaxLoginRetries,
            options.MaxLoginRetryDuration,
            facts,
            $"the Run As user of app {keyPrefix}");
    }

    internal override void UseLoggerFactory(ILoggerFactory loggerFactory)
    {
        if (_exchange.Logger == NullLogger.Instance)
        {
            _exchange.Logger = loggerFactory.CreateLogger<ClientCredentialsCredential>();
        }
    }

    /// <summary>The org's My Domain URL.</summary>
    public Uri LoginUrl { get; }

    /// <summary>Where the request is posted: <c>{LoginUrl}/services/oauth2/token</c>.</summary>
    public Uri TokenEndpoint { get; }

    /// <inheritdoc/>
    /// <remarks>A transient failure (HTTP 500, 502, 503 or 504, a dropped or refused connection, no answer within 10 seconds)
    /// is tried again, up to <see cref="ClientCredentialsCredentialOptions.MaxLoginRetries"/> times within
    /// <see cref="ClientCredentialsCredentialOptions.MaxLoginRetryDuration"/>; a refusal never is.</remarks>
    public override async ValueTask<AccessToken> GetTokenAsync(CancellationToken cancellationToken = default)
    {
        var (outcome, _) = await _exchange.ExchangeWithRetriesAsync(CreateRequest, cancellationToken).ConfigureAwait(false);
        return outcome switch
        {
            TokenOutcome.Granted granted => granted.Token,
            TokenOutcome.Refused refused => throw refused.Exception,
            _ => throw new InvalidOperationException("Unreachable token outcome."),
        };
    }

    private HttpRequestMessage CreateRequest()
    {
        List<KeyValuePair<string, string>> form = [new("grant_type", GrantType)];
        var request = new HttpRequestMessage(HttpMethod.Post, TokenEndpoint);
        if (_inBody)
        {
            form.Add(new("client_id", _consumerKey));
            form.Add(new("client_secret", _consumerSecret));
        }
        else
        {
            // RFC 6749 §2.3.1: each part is form-encoded before they are joined, so a ':' in either survives.
            var pair = Uri.EscapeDataString(_consumerKey) + ":" + Uri.EscapeDataString(_consumerSecret);
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(pair)));
        }

        request.Content = new FormUrlEncodedContent(form);
        return request;
    }
}
