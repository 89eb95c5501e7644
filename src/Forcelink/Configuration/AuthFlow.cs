namespace Forcelink.Configuration;

/// <summary>How a host logs in to Salesforce (<c>FORCELINK_AUTH</c>).</summary>
internal enum AuthFlow
{
    /// <summary><c>jwt</c>: the OAuth 2.0 JWT bearer flow, a private key signing an assertion for a user.</summary>
    Jwt,

    /// <summary><c>client_credentials</c>: the OAuth 2.0 client credentials flow, a consumer secret; the token is for the app's Run As user.</summary>
    ClientCredentials,
}
