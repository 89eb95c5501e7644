using Forcelink.Configuration;
using System.Reflection;
using System.Text.RegularExpressions;
using Forcelink.Lambda.Configuration;
using YamlDotNet.RepresentationModel;

namespace Forcelink.IntegrationTests.Deploy;

/// <summary>
/// deploy/template.yaml read as YAML (short-form intrinsics kept as tags): every reference resolves, every parameter and
/// condition is used, the function gets every variable it reads or leaves it out on purpose, IAM names only what the
/// function needs, and the queue, dead-letter queue and alarm are wired as AWS advises. No AWS account is involved.
/// </summary>
public sealed partial class TemplateTests
{
    /// <summary>Variables the function reads that the template leaves out, and why.</summary>
    private static readonly Dictionary<string, string> DeliberatelyOmitted = new()
    {
        [SettingNames.PrivateKey] = "a key in the function's configuration is readable by anyone allowed lambda:GetFunctionConfiguration",
        [SettingNames.PrivateKeyFile] = "the package holds no key file",
        [SettingNames.PrivateKeyPassphrase] = "an encrypted key's passphrase goes into the secret's JSON ({\"privateKey\",\"passphrase\"})",

        // The template deploys the JWT bearer flow; docs/authentication.md says which variables switch a stack to client credentials.
        [SettingNames.Auth] = "the JWT bearer flow is the template's default; client credentials is set by hand",
        [SettingNames.ClientSecret] = "a secret in the function's configuration is readable by anyone allowed lambda:GetFunctionConfiguration",
        [SettingNames.ClientSecretFile] = "the package holds no secret file",
        [SettingNames.ClientSecretSecretId] = "client credentials only, set by hand with FORCELINK_AUTH",
        [SettingNames.ClientSecretParameter] = "client credentials only, set by hand with FORCELINK_AUTH",
        [SettingNames.ClientSecretInBody] = "client credentials only; its default suits Salesforce",
        [SettingNames.CertificateFile] = "read by forcelink doctor only: the function reads the certificate stored with the key",
    };

    /// <summary>Everything the execution role may do besides writing its logs.</summary>
    private static readonly HashSet<string> AllowedActions =
    [
        "secretsmanager:GetSecretValue",
        "ssm:GetParameter",
        "kms:Decrypt",
        "kms:Encrypt",
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "sqs:SendMessage",
    ];

    private readonly YamlMappingNode _template = Load();

    private YamlMappingNode Parameters => Section("Parameters");

    private YamlMappingNode Resources => Section("Resources");

    private YamlMappingNode Function => (YamlMappingNode)Properties(Resource("ForcelinkFunction"));

    [Fact]
    public void Template_EveryRefGetAttSubAndConditionTarget_Exists()
    {
        var parameters = Names(Parameters);
        var resources = Names(Resources);
        var conditions = Names(Section("Conditions"));
        var problems = new List<string>();

        foreach (var (path, node) in Walk(_template, "template"))
        {
            switch (TagOf(node), node)
            {
                case ("!Ref", YamlScalarNode reference) when !IsPseudoParameter(reference.Value!) && !parameters.Contains(reference.Value!) && !resources.Contains(reference.Value!):
                    problems.Add($"{path}: !Ref {reference.Value} names no parameter or resource");
                    break;
                case ("!GetAtt", YamlScalarNode attribute) when !resources.Contains(attribute.Value!.Split('.')[0]):
                    problems.Add($"{path}: !GetAtt {attribute.Value} names no resource");
                    break;
                case ("!If", YamlSequenceNode { Children: [YamlScalarNode condition, _, _] }) when !conditions.Contains(condition.Value!):
                    problems.Add($"{path}: !If {condition.Value} names no condition");
                    break;
                case ("!If", not YamlSequenceNode { Children.Count: 3 }):
                    problems.Add($"{path}: !If needs [condition, then, else]");
                    break;
                case ("!Condition", YamlScalarNode condition) when !conditions.Contains(condition.Value!):
                    problems.Add($"{path}: !Condition {condition.Value} names no condition");
                    break;
                case ("!Sub", YamlScalarNode text):
                    foreach (var name in SubstitutedNames(text.Value!).Where(n => !IsPseudoParameter(n) && !parameters.Contains(n) && !resources.Contains(n.Split('.')[0])))
                    {
                        problems.Add($"{path}: !Sub ${{{name}}} names no parameter, resource or attribute");
                    }

                    break;
            }
        }

        foreach (var (name, entry) in Resources.Children.Concat(Section("Outputs").Children))
        {
            if (entry is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode("Condition"), out var condition) && !conditions.Contains(((YamlScalarNode)condition).Value!))
            {
                problems.Add($"{name}: Condition {condition} names no condition");
            }
        }

        Assert.Empty(problems);
    }

    [Fact]
    public void Template_EveryParameterAndCondition_IsUsed()
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (_, node) in Walk(_template, "template"))
        {
            switch (TagOf(node), node)
            {
                case ("!Ref", YamlScalarNode reference):
                    used.Add(reference.Value!);
                    break;
                case ("!Sub", YamlScalarNode text):
                    used.UnionWith(SubstitutedNames(text.Value!));
                    break;
                case ("!If", YamlSequenceNode { Children: [YamlScalarNode condition, ..] }):
                    used.Add(condition.Value!);
                    break;
                case ("!Condition", YamlScalarNode condition):
                    used.Add(condition.Value!);
                    break;
            }

            if (node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode("Condition"), out var named) && named is YamlScalarNode scalar)
            {
                used.Add(scalar.Value!);
            }
        }

        // A parameter that only a rule reads configures nothing.
        var usedOutsideRules = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (_, node) in Walk(Resources, "Resources").Concat(Walk(Section("Conditions"), "Conditions")).Concat(Walk(Section("Outputs"), "Outputs")))
        {
            if (TagOf(node) == "!Ref" && node is YamlScalarNode reference)
            {
                usedOutsideRules.Add(reference.Value!);
            }
            else if (TagOf(node) == "!Sub" && node is YamlScalarNode text)
            {
                usedOutsideRules.UnionWith(SubstitutedNames(text.Value!));
            }
        }

        Assert.DoesNotContain(Names(Parameters), p => !usedOutsideRules.Contains(p));
        Assert.DoesNotContain(Names(Section("Conditions")), c => !used.Contains(c));
    }

    [Fact]
    public void Function_EnvironmentVariables_AreEveryForcelinkVariableItReadsExceptTheDeliberateOmissions()
    {
        var reads = typeof(EnvironmentVariables).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (string)f.GetRawConstantValue()!)
            .Where(v => v.StartsWith("FORCELINK_", StringComparison.Ordinal))
            .Concat(SettingNames.All)
            .ToHashSet();
        var set = Names((YamlMappingNode)Map(Map(Function, "Environment"), "Variables"));

        Assert.DoesNotContain(set, v => v.StartsWith("FORCELINK_", StringComparison.Ordinal) && !reads.Contains(v));
        Assert.DoesNotContain(reads, v => !set.Contains(v) && !DeliberatelyOmitted.ContainsKey(v));
        Assert.DoesNotContain(DeliberatelyOmitted.Keys, set.Contains);
        Assert.DoesNotContain(DeliberatelyOmitted.Keys, v => !reads.Contains(v));
    }

    [Fact]
    public void Function_IamStatements_NameOnlyTheActionsAndResourcesItNeeds()
    {
        var problems = new List<string>();
        var statements = 0;
        foreach (var policy in ((YamlSequenceNode)Function.Children[new YamlScalarNode("Policies")]).Children)
        {
            var (_, content) = Unwrap(policy);
            if (content is null)
            {
                continue;
            }

            var map = (YamlMappingNode)content;
            if (map.Children.TryGetValue(new YamlScalarNode("AWSSecretsManagerGetSecretValuePolicy"), out var template))
            {
                // SAM's policy template: secretsmanager:GetSecretValue on exactly this ARN.
                var arn = ((YamlMappingNode)template).Children[new YamlScalarNode("SecretArn")];
                Assert.Equal(("!Ref", "JwtSigningKeySecret"), (TagOf(arn), ((YamlScalarNode)arn).Value));
                statements++;
                continue;
            }

            Assert.True(map.Children.Count == 1 && map.Children.ContainsKey(new YamlScalarNode("Statement")), $"unexpected policy {map}");
            foreach (var statement in ((YamlSequenceNode)map.Children[new YamlScalarNode("Statement")]).Children.Cast<YamlMappingNode>())
            {
                statements++;
                Assert.Equal("Allow", ((YamlScalarNode)statement.Children[new YamlScalarNode("Effect")]).Value);
                foreach (var action in Values(statement.Children[new YamlScalarNode("Action")]))
                {
                    if (!AllowedActions.Contains(action))
                    {
                        problems.Add($"action {action} is more than the function needs");
                    }
                }

                var hasCondition = statement.Children.ContainsKey(new YamlScalarNode("Condition"));
                foreach (var resource in Items(statement.Children[new YamlScalarNode("Resource")]))
                {
                    switch (TagOf(resource), resource)
                    {
                        case ("!Ref" or "!GetAtt", _):
                            break;
                        case ("!Sub", YamlScalarNode sub) when !sub.Value!.Contains('*', StringComparison.Ordinal) || hasCondition:
                            break;
                        default:
                            problems.Add($"resource {resource} is not one named resource (a wildcard needs a condition that narrows it)");
                            break;
                    }
                }
            }
        }

        Assert.Empty(problems);
        Assert.True(statements >= 5, $"only {statements} statements found: the template's Policies changed shape");
    }

    [Fact]
    public void KeySource_EachChoice_GetsItsVariableAndOnlyItsPermissions()
    {
        var variables = (YamlMappingNode)Map(Map(Function, "Environment"), "Variables");
        Assert.Equal("KeyInSecretsManager", IfCondition(variables.Children[new YamlScalarNode(SettingNames.PrivateKeySecretId)]));
        Assert.Equal("KeyInSsm", IfCondition(variables.Children[new YamlScalarNode(SettingNames.PrivateKeyParameter)]));

        var policies = ((YamlSequenceNode)Function.Children[new YamlScalarNode("Policies")]).Children.Select(Unwrap).ToList();
        var byCondition = policies.Where(p => p.Condition is not null).ToDictionary(p => p.Condition!, p => p.Content!.ToString());
        Assert.Contains("AWSSecretsManagerGetSecretValuePolicy", byCondition["KeyInSecretsManager"], StringComparison.Ordinal);
        Assert.Contains("ssm:GetParameter", byCondition["KeyInSsm"], StringComparison.Ordinal);
        Assert.Contains("kms:EncryptionContext:PARAMETER_ARN", byCondition["KeyInSsmWithOwnKmsKey"], StringComparison.Ordinal);
        Assert.Contains("alias/aws/ssm", byCondition["KeyInSsmWithManagedKmsKey"], StringComparison.Ordinal);
        Assert.Equal("KeyInSecretsManager", ((YamlScalarNode)Resource("JwtSigningKeySecret").Children[new YamlScalarNode("Condition")]).Value);
    }

    [Fact]
    public void WorkQueue_VisibilityTimeoutRedriveAndEventSource_FollowAwsAdvice()
    {
        var timeout = int.Parse(Scalar(Function, "Timeout"), System.Globalization.CultureInfo.InvariantCulture);
        var queue = (YamlMappingNode)Properties(Resource("WorkQueue"));
        Assert.True(int.Parse(Scalar(queue, "VisibilityTimeout"), System.Globalization.CultureInfo.InvariantCulture) >= 6 * timeout, "VisibilityTimeout must be at least 6 times the function timeout");

        var redrive = (YamlMappingNode)queue.Children[new YamlScalarNode("RedrivePolicy")];
        Assert.Equal(("!GetAtt", "WorkDeadLetterQueue.Arn"), (TagOf(redrive.Children[new YamlScalarNode("deadLetterTargetArn")]), Scalar(redrive, "deadLetterTargetArn")));

        var sqsEvents = ((YamlMappingNode)Function.Children[new YamlScalarNode("Events")]).Children.Values.Cast<YamlMappingNode>()
            .Where(e => Scalar(e, "Type") == "SQS").ToList();
        var work = Assert.Single(sqsEvents);
        var properties = (YamlMappingNode)Properties(work);
        Assert.Equal("WorkQueue.Arn", Scalar(properties, "Queue"));
        Assert.Equal(["ReportBatchItemFailures"], Values(properties.Children[new YamlScalarNode("FunctionResponseTypes")]));
    }

    [Fact]
    public void DeadLetterQueueAlarm_FiresOnAnyVisibleMessage_AndNotifiesTheOptionalTopic()
    {
        var alarm = (YamlMappingNode)Properties(Resource("DeadLetterQueueAlarm"));

        Assert.Equal(("AWS/SQS", "ApproximateNumberOfMessagesVisible"), (Scalar(alarm, "Namespace"), Scalar(alarm, "MetricName")));
        Assert.Equal(("GreaterThanThreshold", "0"), (Scalar(alarm, "ComparisonOperator"), Scalar(alarm, "Threshold")));
        var dimension = (YamlMappingNode)((YamlSequenceNode)alarm.Children[new YamlScalarNode("Dimensions")]).Children.Single();
        Assert.Equal(("QueueName", "WorkDeadLetterQueue.QueueName"), (Scalar(dimension, "Name"), Scalar(dimension, "Value")));
        Assert.Equal("HasAlarmTopic", IfCondition(alarm.Children[new YamlScalarNode("AlarmActions")]));
        Assert.Equal("HasAlarmTopic", IfCondition(alarm.Children[new YamlScalarNode("OKActions")]));
    }

    [Fact]
    public void Architecture_ChoosesTheFunctionsCpuAndTheExtensionLayerBuiltForIt()
    {
        var architecture = (YamlMappingNode)Parameters.Children[new YamlScalarNode("Architecture")];
        Assert.Equal(["x86_64", "arm64"], Values(architecture.Children[new YamlScalarNode("AllowedValues")]));
        var architectures = (YamlSequenceNode)Function.Children[new YamlScalarNode("Architectures")];
        Assert.Equal(("!Ref", "Architecture"), (TagOf(architectures.Children.Single()), ((YamlScalarNode)architectures.Children.Single()).Value));

        // Each layer parameter accepts only the layer built for its CPU.
        var x86 = new Regex(Scalar((YamlMappingNode)Parameters.Children[new YamlScalarNode("ParametersSecretsExtensionLayerArn")], "AllowedPattern"));
        var arm64 = new Regex(Scalar((YamlMappingNode)Parameters.Children[new YamlScalarNode("ParametersSecretsExtensionArm64LayerArn")], "AllowedPattern"));
        const string X86Layer = "arn:aws:lambda:eu-west-1:123456789012:layer:AWS-Parameters-and-Secrets-Lambda-Extension:12";
        const string Arm64Layer = "arn:aws:lambda:eu-west-1:123456789012:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:12";
        Assert.Equal((true, false, true), (x86.IsMatch(X86Layer), x86.IsMatch(Arm64Layer), x86.IsMatch("")));
        Assert.Equal((false, true, true), (arm64.IsMatch(X86Layer), arm64.IsMatch(Arm64Layer), arm64.IsMatch("")));
        Assert.Equal("HasArm64ExtensionLayer", IfCondition(Function.Children[new YamlScalarNode("Layers")]));
    }

    [Fact]
    public void TokenLifetimeMinutes_DefaultsToTheClientsDefault()
    {
        var lifetime = (YamlMappingNode)Parameters.Children[new YamlScalarNode("TokenLifetimeMinutes")];

        Assert.Equal(new SalesforceClientOptions().TokenLifetime.TotalMinutes.ToString(System.Globalization.CultureInfo.InvariantCulture), Scalar(lifetime, "Default"));
    }

    [CfnLintFact]
    public async Task Template_CfnLint_ReportsNothing()
    {
        var (exitCode, output) = await ProcessRunner.RunAsync("cfn-lint", [Path.Combine("deploy", "template.yaml")], TimeSpan.FromMinutes(3));

        Assert.True(exitCode == 0, $"cfn-lint exited with {exitCode}:\n{output}");
    }

    private static YamlMappingNode Load()
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(RepositoryPaths.Root, "deploy", "template.yaml"));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private YamlMappingNode Section(string name) => (YamlMappingNode)_template.Children[new YamlScalarNode(name)];

    private YamlMappingNode Resource(string name) => (YamlMappingNode)Resources.Children[new YamlScalarNode(name)];

    private static YamlNode Properties(YamlMappingNode resource) => resource.Children[new YamlScalarNode("Properties")];

    private static YamlMappingNode Map(YamlNode node, string key) => (YamlMappingNode)((YamlMappingNode)node).Children[new YamlScalarNode(key)];

    private static string Scalar(YamlMappingNode map, string key) => ((YamlScalarNode)map.Children[new YamlScalarNode(key)]).Value!;

    private static HashSet<string> Names(YamlMappingNode map) => map.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).ToHashSet(StringComparer.Ordinal);

    private static List<string> Values(YamlNode node) => Items(node).Select(n => ((YamlScalarNode)n).Value!).ToList();

    private static IEnumerable<YamlNode> Items(YamlNode node) => node is YamlSequenceNode sequence ? sequence.Children : [node];

    private static string? IfCondition(YamlNode node) =>
        TagOf(node) == "!If" && node is YamlSequenceNode { Children: [YamlScalarNode condition, ..] } ? condition.Value : null;

    /// <summary>A policy entry <c>!If [condition, policy, !Ref AWS::NoValue]</c> as its condition and policy; a plain entry has no condition.</summary>
    private static (string? Condition, YamlNode? Content) Unwrap(YamlNode policy) =>
        TagOf(policy) == "!If" && policy is YamlSequenceNode { Children: [YamlScalarNode condition, var then, var otherwise] }
            ? (condition.Value, then) is var result && TagOf(otherwise) == "!Ref" && ((YamlScalarNode)otherwise).Value == "AWS::NoValue"
                ? result
                : throw new InvalidOperationException($"policy {policy} has an else branch other than AWS::NoValue")
            : (null, policy);

    /// <summary>The node's tag, such as <c>!Ref</c>; empty for a plain node.</summary>
    private static string TagOf(YamlNode node) => node.Tag.IsEmpty || node.Tag.IsNonSpecific ? "" : node.Tag.Value;

    private static bool IsPseudoParameter(string name) => name.StartsWith("AWS::", StringComparison.Ordinal);

    /// <summary>The names in <c>${Name}</c> and <c>${Resource.Attribute}</c>; <c>${!Literal}</c> is text.</summary>
    private static IEnumerable<string> SubstitutedNames(string text) =>
        SubstitutionPattern().Matches(text).Select(m => m.Groups[1].Value).Where(n => !n.StartsWith('!'));

    private static IEnumerable<(string Path, YamlNode Node)> Walk(YamlNode node, string path)
    {
        yield return (path, node);
        var children = node switch
        {
            YamlMappingNode map => map.Children.Select(c => ($"{path}.{c.Key}", c.Value)),
            YamlSequenceNode sequence => sequence.Children.Select((c, i) => ($"{path}[{i}]", c)),
            _ => [],
        };
        foreach (var (childPath, child) in children)
        {
            foreach (var descendant in Walk(child, childPath))
            {
                yield return descendant;
            }
        }
    }

    [GeneratedRegex(@"\$\{([^}]+)\}")]
    private static partial Regex SubstitutionPattern();
}

/// <summary>A fact that runs cfn-lint (with the SAM translator, so it validates the transformed template); skipped where
/// it is not installed. It comes with the machine image here (pip), not from tests/prerequisites.sh: Debian 12 and npm
/// have no cfn-lint that knows today's SAM and CloudFormation (npm's cfn-lint 1.9.7 rejects HttpApi, Architectures,
/// Layers and LoggingConfig).</summary>
public sealed class CfnLintFactAttribute : FactAttribute
{
    public CfnLintFactAttribute()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        if (!path.Split(':').Any(directory => File.Exists(Path.Combine(directory, "cfn-lint"))))
        {
            Skip = "cfn-lint is not on PATH; the structural template tests still run.";
        }
    }
}
