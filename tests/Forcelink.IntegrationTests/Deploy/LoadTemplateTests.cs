using Forcelink.Lambda.S3;
using YamlDotNet.RepresentationModel;

namespace Forcelink.IntegrationTests.Deploy;

/// <summary>
/// The CSV loads of deploy/template.yaml: the bucket's events reach the load function through its queue, with the prefix
/// the function reads; the function's role touches the one bucket under loads/ (read) and results/ (read, write) only.
/// </summary>
public sealed class LoadTemplateTests
{
    private readonly YamlMappingNode _resources = (YamlMappingNode)Load().Children[new YamlScalarNode("Resources")];

    [Fact]
    public void LoadFunction_ReadsTheBucketAndPrefixesTheBucketNotifiesAndTheRoleAllows()
    {
        var variables = Map(Map(Properties("LoadFunction"), "Environment"), "Variables");
        var prefix = Scalar(variables, S3LoadOptions.PrefixVariable);
        var results = Scalar(variables, S3LoadOptions.ResultsPrefixVariable);
        var filter = (YamlSequenceNode)Map(Map(Item(Map(Properties("LoadBucket"), "NotificationConfiguration"), "QueueConfigurations"), "Filter"), "S3Key").Children[new YamlScalarNode("Rules")];
        var policies = Properties("LoadFunction").Children[new YamlScalarNode("Policies")].ToString();

        Assert.Equal(("loads/", "results/"), (prefix, results));
        Assert.Equal(prefix, Scalar((YamlMappingNode)filter.Children[0], "Value"));
        Assert.Equal("s3:ObjectCreated:*", Scalar(Item(Map(Properties("LoadBucket"), "NotificationConfiguration"), "QueueConfigurations"), "Event"));
        Assert.Contains("${LoadBucketName}/loads/*", policies, StringComparison.Ordinal);
        Assert.Contains("${LoadBucketName}/results/*", policies, StringComparison.Ordinal);
        Assert.DoesNotContain("${LoadBucketName}/*", policies, StringComparison.Ordinal);
        Assert.DoesNotContain("s3:DeleteObject", policies, StringComparison.Ordinal);
        foreach (var name in new[] { S3LoadOptions.BucketVariable, S3LoadOptions.QueueUrlVariable, S3LoadOptions.MaxBytesVariable, S3LoadOptions.FollowUpDelayVariable, S3LoadOptions.ReserveVariable })
        {
            Assert.True(variables.Children.ContainsKey(new YamlScalarNode(name)), $"{name} is not set");
        }
    }

    [Fact]
    public void LoadQueue_VisibilityTimeoutIsSixTimesTheTimeout_OneFilePerInvocation_AndTheReserveFitsTheTimeout()
    {
        var function = Properties("LoadFunction");
        var timeout = int.Parse(Scalar(function, "Timeout"), System.Globalization.CultureInfo.InvariantCulture);
        var visibility = int.Parse(Scalar(Properties("LoadQueue"), "VisibilityTimeout"), System.Globalization.CultureInfo.InvariantCulture);
        var source = Map(Map(Map(function, "Events"), "Loads"), "Properties");
        var reserve = int.Parse(Scalar(Map(Map(function, "Environment"), "Variables"), S3LoadOptions.ReserveVariable), System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(6 * timeout, visibility);
        Assert.Equal("1", Scalar(source, "BatchSize"));
        Assert.True(reserve < timeout / 2, $"a reserve of {reserve} s leaves too little of a {timeout} s timeout");
        Assert.Equal("LoadQueuePolicy", Scalar(_resources.Children[new YamlScalarNode("LoadBucket")] as YamlMappingNode ?? throw new InvalidOperationException(), "DependsOn"));
    }

    private YamlMappingNode Properties(string resource) => Map((YamlMappingNode)_resources.Children[new YamlScalarNode(resource)], "Properties");

    private static YamlMappingNode Map(YamlMappingNode node, string key) => (YamlMappingNode)node.Children[new YamlScalarNode(key)];

    private static YamlMappingNode Item(YamlMappingNode node, string key) => (YamlMappingNode)((YamlSequenceNode)node.Children[new YamlScalarNode(key)]).Children[0];

    private static string Scalar(YamlMappingNode map, string key) => ((YamlScalarNode)map.Children[new YamlScalarNode(key)]).Value!;

    private static YamlMappingNode Load()
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(RepositoryPaths.Root, "deploy", "template.yaml"));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }
}
