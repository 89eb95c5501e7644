using Forcelink.Aws;

namespace Forcelink.Tests.Lambda;

/// <summary>Against AWS's published Signature Version 4 examples (the aws-sig-v4-test-suite and the IAM guide's ListUsers).</summary>
public sealed class SigV4SignerTests
{
    private static readonly AwsCredentials Example = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", null);
    private static readonly DateTimeOffset At = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);

    private static Dictionary<string, string> Headers(string host) => new() { ["Host"] = host, ["X-Amz-Date"] = "20150830T123600Z" };

    [Fact]
    public void Authorization_GetVanilla_MatchesTheTestSuite()
    {
        var authorization = SigV4Signer.Authorization(
            "GET", new Uri("https://example.amazonaws.com/"), Headers("example.amazonaws.com"), [], Example, "us-east-1", "service", At);

        Assert.Equal(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, " +
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
            authorization);
    }

    [Fact]
    public void Authorization_QueryInReverseOrder_SortedBeforeSigning()
    {
        var authorization = SigV4Signer.Authorization(
            "GET", new Uri("https://example.amazonaws.com/?Param2=value2&Param1=value1"), Headers("example.amazonaws.com"), [], Example, "us-east-1", "service", At);

        Assert.EndsWith("Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500", authorization, StringComparison.Ordinal);
    }

    [Fact]
    public void Authorization_IamListUsersWithContentType_MatchesTheGuide()
    {
        var headers = Headers("iam.amazonaws.com");
        headers["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8";

        var authorization = SigV4Signer.Authorization(
            "GET", new Uri("https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08"), headers, [], Example, "us-east-1", "iam", At);

        Assert.Equal(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, " +
            "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
            authorization);
    }

    [Fact]
    public void Authorization_BodyChanges_SignatureChanges()
    {
        var uri = new Uri("https://secretsmanager.eu-west-1.amazonaws.com/");
        var first = SigV4Signer.Authorization("POST", uri, Headers(uri.Host), """{"SecretId":"a"}"""u8, Example, "eu-west-1", "secretsmanager", At);
        var second = SigV4Signer.Authorization("POST", uri, Headers(uri.Host), """{"SecretId":"b"}"""u8, Example, "eu-west-1", "secretsmanager", At);

        Assert.NotEqual(first, second);
        Assert.DoesNotContain(Example.SecretAccessKey, first, StringComparison.Ordinal);
    }

    [Fact]
    public void AmzDate_IsBasicIso8601InUtc()
    {
        Assert.Equal("20261127T023000Z", SigV4Signer.AmzDate(new DateTimeOffset(2026, 11, 27, 3, 30, 0, TimeSpan.FromHours(1))));
    }
}
