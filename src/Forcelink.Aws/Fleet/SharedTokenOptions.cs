namespace Forcelink.Aws.Fleet;

/// <summary>
/// Settings of <see cref="SharedTokenCredential"/>: the token table, the optional KMS key, and which login the shared
/// token belongs to. Validated once when the credential is created; every problem is reported together.
/// </summary>
public sealed class SharedTokenOptions
{
    /// <summary>The DynamoDB table of shared tokens (partition key <c>pk</c>, a string; TTL on <c>expiresAt</c>). Required.</summary>
    public string? TableName { get; set; }

    /// <summary>The KMS key (id, ARN or alias) that encrypts tokens in the table, so reading the table is not enough to call Salesforce.</summary>
    /// <value>The default is none: only the table's encryption at rest protects the tokens.</value>
    public string? KmsKeyId { get; set; }

    /// <summary>The login host of the credential, part of the token's item key.</summary>
    /// <value>The default is <c>https://login.salesforce.com</c>.</value>
    public Uri LoginUrl { get; set; } = new("https://login.salesforce.com");

    /// <summary>The connected app's Consumer Key, part of the token's item key. Required.</summary>
    public string? ConsumerKey { get; set; }

    /// <summary>The user who logs in, part of the token's item key.</summary>
    /// <value>The default (<see langword="null"/>) stands for the client credentials flow's Run As user: one token per app.</value>
    public string? Username { get; set; }

    /// <summary>How long a token is valid after it is issued: the session timeout, as <see cref="SalesforceClientOptions.TokenLifetime"/>.</summary>
    /// <value>The default is 2 hours.</value>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(2);

    /// <summary>A stored token with less time left than this is replaced.</summary>
    /// <value>The default is 5 minutes, as <see cref="SalesforceClientOptions.TokenRefreshMargin"/>.</value>
    public TimeSpan TokenRefreshMargin { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long one container may take to log in for the others before another may take over.</summary>
    /// <value>The default is 20 seconds; allowed: 1 second to 5 minutes.</value>
    public TimeSpan LeaseDuration { get; set; } = SharedTokenCredential.DefaultLeaseDuration;

    /// <summary>Lists every problem with these settings, each with its fix; empty when they are valid.</summary>
    /// <returns>The problems.</returns>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(TableName))
        {
            errors.Add("TableName is required: the DynamoDB table with partition key 'pk' (string) that deploy/template.yaml creates as the token table.");
        }

        if (LoginUrl is not { IsAbsoluteUri: true })
        {
            errors.Add("LoginUrl is required: the same login URL the credential uses.");
        }

        if (string.IsNullOrWhiteSpace(ConsumerKey))
        {
            errors.Add("ConsumerKey is required: the same Consumer Key the credential uses.");
        }

        if (TokenLifetime < TimeSpan.FromMinutes(1) || TokenLifetime > TimeSpan.FromHours(24))
        {
            errors.Add($"TokenLifetime {TokenLifetime} is out of range: use the session timeout of the app or org, between 1 minute and 24 hours.");
        }

        if (TokenRefreshMargin < TimeSpan.Zero || TokenRefreshMargin >= TokenLifetime)
        {
            errors.Add($"TokenRefreshMargin {TokenRefreshMargin} must be at least zero and shorter than TokenLifetime {TokenLifetime}.");
        }

        if (LeaseDuration < TimeSpan.FromSeconds(1) || LeaseDuration > TimeSpan.FromMinutes(5))
        {
            errors.Add($"LeaseDuration {LeaseDuration} is out of range: use 1 second to 5 minutes, longer than a login with its retries takes.");
        }

        return errors;
    }
}
