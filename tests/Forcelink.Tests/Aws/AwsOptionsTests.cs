using Amazon.DynamoDBv2;
using Forcelink.Authentication;
using Forcelink.Aws;
using Forcelink.Aws.Fleet;
using Forcelink.Aws.Secrets;

namespace Forcelink.Tests.Aws;

/// <summary>The public options of Forcelink.Aws report every problem together, as the library's do.</summary>
public sealed class AwsOptionsTests
{
    [Fact]
    public void SharedTokenOptions_Defaults_NeedTableAndConsumerKey()
    {
        var errors = new SharedTokenOptions().Validate();

        Assert.Collection(
            errors,
            e => Assert.StartsWith("TableName is required", e, StringComparison.Ordinal),
            e => Assert.StartsWith("ConsumerKey is required", e, StringComparison.Ordinal));
    }

    [Fact]
    public void SharedTokenCredential_KmsKeyWithoutClientAndBadLease_ListsBothProblems()
    {
        using var dynamoDb = new AmazonDynamoDBClient(new AmazonDynamoDBConfig { ServiceURL = "http://127.0.0.1:1" });
        var options = new SharedTokenOptions { TableName = "tokens", ConsumerKey = "3MVG9key", KmsKeyId = "alias/forcelink", LeaseDuration = TimeSpan.Zero };

        var error = Assert.Throws<ArgumentException>(() => new SharedTokenCredential(new AccessTokenCredential(new AccessToken("t", new Uri("https://example.my.salesforce.com"), default)), dynamoDb, options));

        Assert.Contains("LeaseDuration 00:00:00 is out of range", error.Message, StringComparison.Ordinal);
        Assert.Contains("KmsKeyId is set but no KMS client was given", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AwsSecretReaderOptions_NoCredentials_SaysWhatIsNeeded()
    {
        var errors = new AwsSecretReaderOptions { ExtensionPort = 0 }.Validate();

        Assert.Collection(
            errors,
            e => Assert.StartsWith("Credentials and Region are required", e, StringComparison.Ordinal),
            e => Assert.StartsWith("ExtensionPort 0 is not a TCP port", e, StringComparison.Ordinal));
    }

    [Fact]
    public void AwsSecretReaderOptions_SessionTokenForTheExtension_IsEnough()
    {
        var options = new AwsSecretReaderOptions { Credentials = new AwsCredentials("ASIAKEY", "secret", "session") };

        Assert.Empty(options.Validate());
        Assert.DoesNotContain("secret", options.Credentials.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void SecretLocation_ToString_NamesThePlaceOnly()
    {
        Assert.Equal("Secrets Manager secret 'forcelink/key'", SecretLocation.SecretsManager("forcelink/key").ToString());
        Assert.Equal("SSM parameter '/forcelink/key'", SecretLocation.Parameter("/forcelink/key").ToString());
    }
}
