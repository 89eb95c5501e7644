using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Forcelink.IntegrationTests.Conformance;

/// <summary>
/// Compares the shape of an answer with a recorded one: the same keys (none missing, none extra), the same JSON types,
/// recursively. Values are not compared (the corpus's ids and counts are edited by hand), and <c>null</c> matches any
/// type on either side (whether a field holds a value is data). The recorded body is read as a schema first: every
/// element of an array adds to the element's schema, and a key counts as required only when every recorded object at
/// that place has it, so a relationship that is an object in one record and null in the next is fine.
/// </summary>
internal static class JsonShape
{
    /// <summary>The differences, one line each (<c>$.records[].Name: missing</c>), outside what <paramref name="rules"/> allow.</summary>
    public static IReadOnlyList<string> Compare(JsonNode? recorded, JsonNode? actual, ShapeRules? rules = null)
    {
        rules ??= new ShapeRules();
        var schema = new Schema();
        schema.Add(recorded);
        var differences = new List<string>();
        schema.Check(actual, "$", rules, differences);
        return [.. differences.Distinct(StringComparer.Ordinal)];
    }

    private static string Kind(JsonNode? node) => node?.GetValueKind() switch
    {
        null or JsonValueKind.Null => "null",
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        _ => "boolean",
    };

    private sealed class Schema
    {
        private readonly SortedSet<string> _kinds = new(StringComparer.Ordinal);
        private readonly Dictionary<string, Schema> _keys = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _keyCounts = new(StringComparer.Ordinal);
        private int _objects;
        private Schema? _element;

        public void Add(JsonNode? node)
        {
            _kinds.Add(Kind(node));
            switch (node)
            {
                case JsonObject obj:
                    _objects++;
                    foreach (var (key, value) in obj)
                    {
                        _keyCounts[key] = _keyCounts.GetValueOrDefault(key) + 1;
                        if (!_keys.TryGetValue(key, out var child))
                        {
                            _keys[key] = child = new Schema();
                        }

                        child.Add(value);
                    }

                    break;
                case JsonArray array:
                    foreach (var item in array)
                    {
                        (_element ??= new Schema()).Add(item);
                    }

                    break;
            }
        }

        public void Check(JsonNode? actual, string path, ShapeRules rules, List<string> differences)
        {
            if (rules.Ignores(path))
            {
                return;
            }

            var kind = Kind(actual);
            var known = _kinds.Where(k => k != "null").ToList();
            if (kind == "null" || known.Count == 0)
            {
                return;
            }

            if (!known.Contains(kind))
            {
                differences.Add($"{path}: {kind} where Salesforce has {string.Join(" or ", known)}");
                return;
            }

            switch (actual)
            {
                case JsonObject obj:
                    var open = rules.IsOpen(path);
                    foreach (var (key, value) in obj)
                    {
                        var childPath = $"{path}.{key}";
                        if (_keys.TryGetValue(key, out var child))
                        {
                            child.Check(value, childPath, rules, differences);
                        }
                        else if (!open && !rules.AllowsExtra(childPath))
                        {
                            differences.Add($"{childPath}: extra");
                        }
                    }

                    foreach (var key in _keys.Keys.Where(k => _keyCounts[k] == _objects && !obj.ContainsKey(k)))
                    {
                        var childPath = $"{path}.{key}";
                        if (!open && !rules.AllowsMissing(childPath))
                        {
                            differences.Add($"{childPath}: missing");
                        }
                    }

                    break;
                case JsonArray array when _element is not null:
                    foreach (var item in array)
                    {
                        _element.Check(item, path + "[]", rules, differences);
                    }

                    break;
            }
        }
    }
}

/// <summary>
/// The differences a comparison accepts, each with its reason (kept in docs/emulator.md). Paths are written as
/// <see cref="JsonShape"/> reports them, <c>$.records[].Name</c>, where a segment may use <c>*</c> as a wildcard
/// (<c>$.*__c</c>). <see cref="Unused"/> lists the rules nothing matched, so a difference fixed later is noticed.
/// </summary>
internal sealed class ShapeRules
{
    private readonly List<Rule> _rules = [];

    /// <summary>Keys may be missing from or extra in the object at <paramref name="path"/> (a record's field set follows the
    /// query or the org's schema); the keys both have are still compared.</summary>
    public ShapeRules Open(string path, string reason) => Add(RuleKind.Open, path, reason);

    public ShapeRules AllowMissing(string path, string reason) => Add(RuleKind.Missing, path, reason);

    public ShapeRules AllowMissing(string objectPath, IEnumerable<string> keys, string reason)
    {
        foreach (var key in keys)
        {
            Add(RuleKind.Missing, $"{objectPath}.{key}", reason);
        }

        return this;
    }

    public ShapeRules AllowExtra(string path, string reason) => Add(RuleKind.Extra, path, reason);

    /// <summary>The subtree at <paramref name="path"/> is not compared at all.</summary>
    public ShapeRules Ignore(string path, string reason) => Add(RuleKind.Ignore, path, reason);

    public IEnumerable<string> Unused => _rules.Where(r => !r.Used).Select(r => $"{r.Kind} {r.Path} ({r.Reason})");

    public bool IsOpen(string path) => Matches(RuleKind.Open, path);

    public bool AllowsMissing(string path) => Matches(RuleKind.Missing, path);

    public bool AllowsExtra(string path) => Matches(RuleKind.Extra, path);

    public bool Ignores(string path) => Matches(RuleKind.Ignore, path);

    private ShapeRules Add(RuleKind kind, string path, string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        _rules.Add(new Rule(kind, path, reason, new Regex("^" + Regex.Escape(path).Replace(@"\*", "[^.]*", StringComparison.Ordinal) + "$", RegexOptions.CultureInvariant)));
        return this;
    }

    private bool Matches(RuleKind kind, string path)
    {
        var matched = false;
        foreach (var rule in _rules.Where(r => r.Kind == kind && r.Pattern.IsMatch(path)))
        {
            rule.Used = true;
            matched = true;
        }

        return matched;
    }

    private enum RuleKind
    {
        Open,
        Missing,
        Extra,
        Ignore,
    }

    private sealed record Rule(RuleKind Kind, string Path, string Reason, Regex Pattern)
    {
        public bool Used { get; set; }
    }
}
