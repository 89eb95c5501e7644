using System.Text.Json;
using System.Text.RegularExpressions;
using Forcelink.Emulator.Records;

namespace Forcelink.Emulator.Soql;

// Stand-in for the real engine (replaced wholesale at merge): SELECT f, ... FROM Obj [WHERE Id = '...'] [LIMIT n],
// SELECT COUNT() FROM Obj, and FIND {term} over Name-like fields.
internal sealed partial class SoqlEngine(ISoqlCatalog catalog, TimeProvider timeProvider)
{
    public SoqlQueryResult Query(string soql, bool includeDeleted)
    {
        _ = timeProvider;
        var match = SelectPattern().Match(soql);
        if (!match.Success)
        {
            throw new SoqlException("MALFORMED_QUERY", "unexpected token: " + soql);
        }

        var entity = catalog.FindObject(match.Groups["obj"].Value)
            ?? throw new SoqlException("INVALID_TYPE", $"sObject type '{match.Groups["obj"].Value}' is not supported.");
        var isCount = match.Groups["fields"].Value.Trim().Equals("COUNT()", StringComparison.OrdinalIgnoreCase);
        var fields = new List<SoqlFieldInfo>();
        if (!isCount)
        {
            foreach (var name in match.Groups["fields"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                fields.Add(entity.FindField(name) ?? throw new SoqlException("INVALID_FIELD", $"No such column '{name}' on entity '{entity.Name}'."));
            }
        }

        var rows = catalog.Scan(entity.Name, includeDeleted);
        if (match.Groups["id"].Success)
        {
            var id = match.Groups["id"].Value;
            rows = rows.Where(r => r.Fields.TryGetValue("Id", out var v) && v is string s && s.StartsWith(id, StringComparison.Ordinal));
        }

        if (match.Groups["limit"].Success)
        {
            rows = rows.Take(int.Parse(match.Groups["limit"].Value, System.Globalization.CultureInfo.InvariantCulture));
        }

        var list = rows.ToList();
        return new SoqlQueryResult(entity, isCount, list.Count, isCount ? [] : list, fields);
    }

    public SoslSearchResult Search(string sosl)
    {
        var match = FindPattern().Match(sosl);
        if (!match.Success)
        {
            throw new SoqlException("MALFORMED_SEARCH", "No search term found. The search term must be enclosed in braces.");
        }

        return Find(match.Groups["term"].Value, null);
    }

    public SoslSearchResult ParameterizedSearch(IReadOnlyDictionary<string, string> parameters)
    {
        if (!parameters.TryGetValue("q", out var term) || term.Length == 0)
        {
            throw new SoqlException("MALFORMED_SEARCH", "No search term found.");
        }

        return Find(term, parameters.TryGetValue("sobject", out var only) ? only : null);
    }

    private SoslSearchResult Find(string term, string? only)
    {
        var hits = new List<SoqlRecord>();
        foreach (var name in catalog.SearchableObjects)
        {
            if ((only is null || string.Equals(name, only, StringComparison.OrdinalIgnoreCase)) && catalog.FindObject(name) is { } entity)
            {
                hits.AddRange(catalog.Scan(entity.Name, includeDeleted: false).Where(r => r.Fields.Values
                    .Any(v => v is string s && s.Contains(term, StringComparison.OrdinalIgnoreCase))));
            }
        }

        return new SoslSearchResult(hits);
    }

    [GeneratedRegex(@"^\s*SELECT\s+(?<fields>.+?)\s+FROM\s+(?<obj>\w+)(\s+WHERE\s+Id\s*=\s*'(?<id>\w+)')?(\s+LIMIT\s+(?<limit>\d+))?\s*$", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex SelectPattern();

    [GeneratedRegex(@"^\s*FIND\s*\{(?<term>[^}]+)\}", RegexOptions.IgnoreCase)]
    private static partial Regex FindPattern();
}

internal sealed class SoqlQueryResult(SoqlObjectInfo entity, bool isCount, int totalSize, IReadOnlyList<SoqlRecord> rows, IReadOnlyList<SoqlFieldInfo> fields)
{
    public string EntityName => entity.Name;

    public bool IsCount => isCount;

    public int TotalSize => totalSize;

    public int RowCount => rows.Count;

    public void WriteRecord(Utf8JsonWriter writer, int rowIndex, string apiVersion)
    {
        var row = rows[rowIndex];
        writer.WriteStartObject();
        writer.WriteStartObject("attributes");
        writer.WriteString("type", entity.Name);
        writer.WriteString("url", $"/services/data/v{apiVersion}/sobjects/{entity.Name}/{row.Fields["Id"]}");
        writer.WriteEndObject();
        foreach (var field in fields)
        {
            writer.WritePropertyName(field.Name);
            FieldValues.Write(writer, field.Type, row.Fields.GetValueOrDefault(field.Name));
        }

        writer.WriteEndObject();
    }

    public void WriteColumnMetadata(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("entityName", entity.Name);
        writer.WriteBoolean("groupBy", false);
        writer.WriteBoolean("idSelected", fields.Any(f => f.Name == "Id"));
        writer.WriteBoolean("keyPrefix", false);
        writer.WriteStartArray("columnMetadata");
        foreach (var field in fields)
        {
            writer.WriteStartObject();
            writer.WriteNull("aggregate");
            writer.WriteNull("apexType");
            writer.WriteBoolean("booleanType", field.Type == FieldType.Boolean);
            writer.WriteString("columnName", field.Name);
            writer.WriteBoolean("custom", field.Custom);
            writer.WriteString("displayName", field.Name);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}

internal sealed class SoslSearchResult(IReadOnlyList<SoqlRecord> hits)
{
    public void Write(Utf8JsonWriter writer, string apiVersion)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("searchRecords");
        foreach (var hit in hits)
        {
            writer.WriteStartObject();
            writer.WriteStartObject("attributes");
            writer.WriteString("type", hit.ObjectName);
            writer.WriteString("url", $"/services/data/v{apiVersion}/sobjects/{hit.ObjectName}/{hit.Fields["Id"]}");
            writer.WriteEndObject();
            writer.WriteString("Id", hit.Fields["Id"] as string);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
