using System.Text.Json;
using System.Text.Json.Nodes;
using Forcelink.Soql;

namespace Forcelink.Operations;

/// <summary>
/// Which objects, operations and fields callers may use. Anything else is refused before Salesforce is called, so a
/// caller cannot reach other objects or run arbitrary SOQL.
/// </summary>
public sealed class OperationPolicy
{
    private static readonly string[] LeadFields =
    [
        "Id", "Salutation", "FirstName", "LastName", "Name", "Title", "Company", "Email", "Phone", "MobilePhone", "Fax", "Website",
        "Street", "City", "State", "PostalCode", "Country", "LeadSource", "Industry", "Rating", "AnnualRevenue", "NumberOfEmployees",
        "Description", "Status", "OwnerId", "IsConverted", "ConvertedAccountId", "ConvertedContactId", "ConvertedOpportunityId",
        "ConvertedDate", "IsUnreadByOwner", "CreatedDate", "CreatedById", "LastModifiedDate", "LastModifiedById", "SystemModstamp",
    ];

    private static readonly string[] CaseFields =
    [
        "Id", "CaseNumber", "Subject", "Description", "Status", "Priority", "Origin", "Type", "Reason", "AccountId", "ContactId",
        "OwnerId", "ParentId", "IsEscalated", "IsClosed", "ClosedDate", "SuppliedName", "SuppliedEmail", "SuppliedPhone",
        "SuppliedCompany", "CreatedDate", "CreatedById", "LastModifiedDate", "LastModifiedById", "SystemModstamp",
    ];

    // Declared before Default: static fields initialize in text order.
    private static readonly HashSet<OperationKind> AllKinds = [.. Enum.GetValues<OperationKind>()];

    private readonly Dictionary<string, ObjectRule> _objects;

    private OperationPolicy(Dictionary<string, ObjectRule> objects) => _objects = objects;

    /// <summary>The default: every operation on Lead and Case, with their standard fields.</summary>
    public static OperationPolicy Default { get; } = new(new Dictionary<string, ObjectRule>(StringComparer.OrdinalIgnoreCase)
    {
        ["Lead"] = new("Lead", AllKinds, new HashSet<string>(LeadFields, StringComparer.OrdinalIgnoreCase), AnyField: false),
        ["Case"] = new("Case", AllKinds, new HashSet<string>(CaseFields, StringComparer.OrdinalIgnoreCase), AnyField: false),
    });

    /// <summary>The objects this policy allows, in their canonical spelling.</summary>
    public IEnumerable<string> Objects => _objects.Values.Select(o => o.Name);

    /// <summary>
    /// Reads a policy from JSON: <c>{"Lead":{"operations":["create","find"],"fields":["LastName","Company","Email"]},"Case":"*"}</c>.
    /// <c>"*"</c> for an object allows every operation and field; <c>"operations":"*"</c> or <c>"fields":"*"</c> allow all of one.
    /// Lead and Case with no <c>fields</c> get their standard fields.
    /// </summary>
    /// <exception cref="ArgumentException">The JSON is not a valid policy; the message lists every problem.</exception>
    public static OperationPolicy Parse(string json)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(json);
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"The policy is not JSON ({e.Message}). Example: {{\"Lead\":{{\"operations\":[\"create\",\"find\"],\"fields\":[\"LastName\",\"Company\",\"Email\"]}}}}", nameof(json), e);
        }

        if (root is not JsonObject objects || objects.Count == 0)
        {
            throw new ArgumentException("The policy must be a JSON object naming at least one sObject, such as {\"Lead\":\"*\"}.", nameof(json));
        }

        var errors = new List<string>();
        var rules = new Dictionary<string, ObjectRule>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in objects)
        {
            if (!SoqlIdentifier.IsValid(name) || name.Contains('.', StringComparison.Ordinal))
            {
                errors.Add($"'{name}' is not an sObject API name.");
                continue;
            }

            if (value is JsonValue star && star.TryGetValue<string>(out var all) && all == "*")
            {
                rules[name] = new ObjectRule(name, AllKinds, [], AnyField: true);
                continue;
            }

            if (value is not JsonObject rule)
            {
                errors.Add($"The rule for {name} must be \"*\" or an object with \"operations\" and \"fields\".");
                continue;
            }

            var kinds = ParseKinds(name, rule["operations"], errors);
            var (fields, anyField) = ParseFields(name, rule["fields"], errors);
            rules[name] = new ObjectRule(name, kinds, fields, anyField);
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException($"The policy is invalid:{Environment.NewLine}- {string.Join(Environment.NewLine + "- ", errors)}", nameof(json));
        }

        return new OperationPolicy(rules);
    }

    /// <summary>The API name of an allowed field, matched case-insensitively (<c>email</c> → <c>Email</c>);
    /// <see langword="null"/> when the object or field is not allowed, or the object allows any field.</summary>
    public string? FieldName(string objectName, string field) =>
        _objects.TryGetValue(objectName, out var rule) && !rule.AnyField && rule.Fields.TryGetValue(field, out var name) ? name : null;

    /// <summary>Whether operations on <paramref name="objectName"/> may read and write <paramref name="field"/> (case-insensitive).</summary>
    public bool AllowsField(string objectName, string field) => _objects.TryGetValue(objectName, out var rule) && rule.Allows(field);

    internal bool TryGetObject(string name, out ObjectRule rule) => _objects.TryGetValue(name, out rule!);

    private static HashSet<OperationKind> ParseKinds(string name, JsonNode? node, List<string> errors)
    {
        if (node is null || (node is JsonValue v && v.TryGetValue<string>(out var s) && s == "*"))
        {
            return AllKinds;
        }

        var kinds = new HashSet<OperationKind>();
        if (node is not JsonArray array)
        {
            errors.Add($"{name}.operations must be \"*\" or a list such as [\"create\",\"get\",\"find\",\"update\",\"upsert\",\"delete\"].");
            return kinds;
        }

        foreach (var item in array)
        {
            if (item is JsonValue value && value.TryGetValue<string>(out var text) && OperationRequest.TryParseKind(text, out var kind))
            {
                kinds.Add(kind);
            }
            else
            {
                errors.Add($"{name}.operations has '{item?.ToJsonString()}', which is not one of create, get, find, update, upsert, delete.");
            }
        }

        return kinds;
    }

    private static (HashSet<string> Fields, bool AnyField) ParseFields(string name, JsonNode? node, List<string> errors)
    {
        if (node is null)
        {
            return Default._objects.TryGetValue(name, out var standard) ? (standard.Fields, false) : ([], true);
        }

        if (node is JsonValue v && v.TryGetValue<string>(out var s) && s == "*")
        {
            return ([], true);
        }

        var fields = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "Id" };
        if (node is not JsonArray array)
        {
            errors.Add($"{name}.fields must be \"*\" or a list of field API names.");
            return (fields, false);
        }

        foreach (var item in array)
        {
            if (item is JsonValue value && value.TryGetValue<string>(out var text) && SoqlIdentifier.IsValid(text) && !text.Contains('.', StringComparison.Ordinal))
            {
                fields.Add(text);
            }
            else
            {
                errors.Add($"{name}.fields has '{item?.ToJsonString()}', which is not a field API name.");
            }
        }

        return (fields, false);
    }

    /// <summary>A rule allowing <paramref name="kind"/> on an object the policy does not name, as it is written in the policy.</summary>
    internal static string RuleExample(string objectName, OperationKind? kind) =>
        Rule(objectName, kind is { } k ? [k] : AllKinds, fields: null);

    // "Name":{"operations":[...],"fields":[...]}: operations "*" when all, fields left out when they are Lead's or
    // Case's standard ones (the rule's default) and "*" when any.
    private static string Rule(string name, IEnumerable<OperationKind> kinds, IEnumerable<string>? fields)
    {
        var kindList = kinds.Distinct().Order().ToList();
        var rule = new JsonObject
        {
            ["operations"] = kindList.Count == AllKinds.Count ? "*" : new JsonArray([.. kindList.Select(k => (JsonNode?)k.ToString().ToLowerInvariant())]),
        };
        if (fields is null)
        {
            rule["fields"] = "*";
        }
        else if (!(Default._objects.TryGetValue(name, out var standard) && standard.Fields.SetEquals(fields)))
        {
            rule["fields"] = new JsonArray([.. fields.Where(f => !f.Equals("Id", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).Select(f => (JsonNode?)f)]);
        }

        return $"{JsonValue.Create(name).ToJsonString()}:{rule.ToJsonString()}";
    }

    internal sealed record ObjectRule(string Name, HashSet<OperationKind> Kinds, HashSet<string> Fields, bool AnyField)
    {
        public bool Allows(string field) => AnyField || Fields.Contains(field);

        /// <summary>This rule as written in the policy, with <paramref name="kind"/> and <paramref name="fields"/> added.</summary>
        public string Example(OperationKind? kind, IEnumerable<string> fields) =>
            Rule(Name, kind is { } k ? Kinds.Append(k) : Kinds, AnyField ? null : Fields.Union(fields, StringComparer.OrdinalIgnoreCase));

        public IReadOnlyList<string> ReadableFields => AnyField ? ["Id"] : [.. Fields.Order(StringComparer.Ordinal)];
    }
}
