using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Forcelink.Authentication;

/// <summary>
/// The OAuth 2.0 JWT bearer flow: signs a short-lived RS256 assertion (<c>iss</c> consumer key, <c>sub</c> username,
/// <c>aud</c> audience, <c>exp</c>) and exchanges it at <c>{LoginUrl}/services/oauth2/token</c> for an access token.
/// Each call is a Salesforce login (3,600 per user per hour): put a cache in front, as <see cref="SalesforceClient"/> does.
/// </summary>
public sealed partial class JwtBearerCredential : SalesforceCredential
{
    private const string GrantType = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    // Only a clock this far behind Salesforce's is worth correcting; smaller differences are rounding.
    private static readonly TimeSpan SkewWorthCorrecting = TimeSpan.FromSeconds(5);

    private readonly RsaSigningKey _key;
    private readonly TimeProvider _timeProvider;
    private ILogger _logger;
    private readonly string _consumerKey;
    private readonly string _username;
    private readonly TimeSpan _assertionLifetime;
    private readonly bool _correctClockSkew;
    private readonly TokenExchange _exchange;
    private TimeSpan _clockOffset;

    /// <summary>Creates the credential. Validates <paramref name="options"/> and reports every problem at once.</summary>
    /// <param name="options">Who logs in, where, through which app.</param>
    /// <param name="signingKey">The private key of the certificate uploaded to the app. The caller keeps ownership.</param>
    /// <param name="httpClient">The client for the token endpoint; by default a new one. Its base address is ignored.</param>
    /// <param name="timeProvider">The clock for <c>exp</c>, retry backoff and the 10-second limit on each attempt; by default <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">Receives one event per login, never with secrets; by default none.</param>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem and its fix.</exception>
    public JwtBearerCredential(
        JwtBearerCredentialOptions options,
        RsaSigningKey signingKey,
        HttpClient? httpClient = null,
        TimeProvider? timeProvider = null,
        ILogger<JwtBearerCredential>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(signingKey);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(
                $"The JWT bearer settings are invalid:{Environment.NewLine}- {string.Join(Environment.NewLine + "- ", errors)}",
                nameof(options));
        }

        _key = signingKey;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _consumerKey = options.ConsumerKey!;
        _username = options.Username!;
        _assertionLifetime = options.AssertionLifetime;
        _correctClockSkew = options.CorrectClockSkew;
        Audience = options.ResolveAudience();
        LoginUrl = options.LoginUrl;
        TokenEndpoint = TokenExchange.TokenEndpointOf(options.LoginUrl);
        var facts = new TokenRequestFacts(TokenFlow.JwtBearer, _username, Redaction.Secret(_consumerKey), Audience, LoginUrl, TokenEndpoint);
        _exchange = new TokenExchange(
            httpClient ?? new HttpClient(), _timeProvider, _logger, options.MaxLoginRetries, options.MaxLoginRetryDuration, facts, _username);
    }

    /// <summary>The login URL.</summary>
    public Uri LoginUrl { get; }

    /// <summary>Where assertions are posted: <c>{LoginUrl}/services/oauth2/token</c>.</summary>
    public Uri TokenEndpoint { get; }

    /// <summary>The <c>aud</c> claim sent.</summary>
    public string Audience { get; }

    /// <summary>Signs a new assertion, valid for the configured lifetime from now. The result is a secret.</summary>
    public string CreateAssertion() =>
        JwtAssertion.Create(_key, _consumerKey, _username, Audience, _timeProvider.GetUtcNow() + _clockOffset + _assertionLifetime);

    /// <inheritdoc/>
    /// <remarks>A transient failure (HTTP 500, 502, 503 or 504, a dropped or refused connection, no answer within 10 seconds)
    /// is tried again with a new assertion, up to <see cref="JwtBearerCredentialOptions.MaxLoginRetries"/> times within
    /// <see cref="JwtBearerCredentialOptions.MaxLoginRetryDuration"/>; a refusal never is.</remarks>
    public override async ValueTask<AccessToken> GetTokenAsync(CancellationToken cancellationToken = default)
    {
        var (response, serverDate) = await ExchangeWithRetriesAsync(cancellationToken).ConfigureAwait(false);
        if (response is TokenOutcome.Refused { IsExpiredAssertion: true } && _correctClockSkew && serverDate is { } date)
        {
            var offset = date - _timeProvider.GetUtcNow();
            if (offset > SkewWorthCorrecting)
            {
                LogClockBehind(_logger, (long)offset.TotalSeconds);
                _clockOffset = offset;
                (response, _) = await ExchangeWithRetriesAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        return response switch
        {
            TokenOutcome.Granted granted => granted.Token,
            TokenOutcome.Refused refused => throw refused.Exception,
            _ => throw new InvalidOperationException("Unreachable token outcome."),
        };
    }

    internal override void UseLoggerFactory(ILoggerFactory loggerFactory)
    {
        if (_logger == NullLogger.Instance)
        {
            _logger = loggerFactory.CreateLogger<JwtBearerCredential>();
            _exchange.Logger = _logger;
        }
    }

    private Task<(TokenOutcome Outcome, DateTimeOffset? ServerDate)> ExchangeWithRetriesAsync(CancellationToken cancellationToken) =>
        _exchange.ExchangeWithRetriesAsync(
            () => new HttpRequestMessage(HttpMethod.Post, TokenEndpoint)
            {
                Content = new FormUrlEncodedContent([
                    new("grant_type", GrantType),
                    new("assertion", CreateAssertion()),
                ]),
            },
            cancellationToken);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "This machine's clock is {Seconds} s behind Salesforce's; signing assertions against Salesforce's clock. Synchronise the clock (NTP).")]
    private static partial void LogClockBehind(ILogger logger, long seconds);
}
