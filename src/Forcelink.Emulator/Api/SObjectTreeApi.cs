using System.Text.Json;
using Forcelink.Emulator.Org;
using Forcelink.Emulator.Schema;

namespace Forcelink.Emulator.Api;

/// <summary>
/// <c>POST composite/tree/{T}</c> (sObject Tree): up to 200 records in all, children nested under their parent's
/// child relationship (<c>"Contacts":{"records":[...]}</c>), each named by <c>attributes.referenceId</c>. All or
/// nothing: 201 <c>{"hasErrors":false,"results":[{"referenceId","id"}]}</c> with parents before children, or 400
/// <c>{"hasErrors":true,"results":[{"referenceId","errors":[...]}]}</c> naming only the records that failed.
/// </summary>
internal sealed class SObjectTreeApi(RestApi rest, EmulatedOrg org, RecordWriter writer)
{
    private const int MaxRecords = 200;

    private sealed record TreeNode(JsonElement Record, ObjectSchema Schema, string? ReferenceId, int Parent, FieldDefinition? ParentField);

    public ApiResult Save(ApiCall call, string type)
    {
        if (rest.Visible(call.Session, type) is not { } schema)
        {
            return ApiResult.NotFound();
        }

        using var document = JsonDocument.Parse(string.IsNullOrWhiteSpace(call.Body) ? "{}" : call.Body);
        if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("records", out var roots)
            || roots.ValueKind != JsonValueKind.Array)
        {
            return ApiResult.Error(400, "JSON_PARSER_ERROR", "Cannot deserialize instance of SObjectTreeRequest or request may be missing a required field: records");
        }

        var nodes = new List<TreeNode>();
        var errors = new List<(string? ReferenceId, ApiError Error)>();
        Collect(call, roots, schema, nodes, errors);
        if (nodes.Count > MaxRecords)
        {
            return ApiResult.Error(400, "LIMIT_EXCEEDED",
                $"An sObject Tree request can hold at most {MaxRecords} records in all; this one has {nodes.Count}. Split the records over several requests.");
        }

        foreach (var duplicate in nodes.Where(n => n.ReferenceId is not null).GroupBy(n => n.ReferenceId, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            // "In the case of duplicate reference IDs, results contains one item for each instance of the duplicate ID."
            errors.AddRange(duplicate.Select(n => (n.ReferenceId, new ApiError("INVALID_INPUT", "Duplicate ReferenceId provided in the request.", []))));
        }

        if (errors.Count > 0)
        {
            return Failure(errors);
        }

        var ids = new string?[nodes.Count];
        var ownTransaction = !org.Store.InTransaction;
        if (ownTransaction)
        {
            org.Store.Begin();
        }

        for (var i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i];
            if (node.Parent >= 0 && ids[node.Parent] is null)
            {
                continue;
            }

            var result = writer.Create(node.Schema, Fields(node, node.Parent >= 0 ? ids[node.Parent] : null), call.Session);
            if (result.Success)
            {
                ids[i] = result.Id;
            }
            else
            {
                errors.Add((node.ReferenceId, result.Errors[0]));
            }
        }

        if (errors.Count > 0)
        {
            if (ownTransaction)
            {
                org.Store.Rollback();
            }

            return Failure(errors);
        }

        if (ownTransaction)
        {
            org.Store.Commit();
        }

        return ApiResult.Json(201, w =>
        {
            w.WriteStartObject();
            w.WriteBoolean("hasErrors", false);
            w.WriteStartArray("results");
            for (var i = 0; i < nodes.Count; i++)
            {
                w.WriteStartObject();
                w.WriteString("referenceId", nodes[i].ReferenceId);
                w.WriteString("id", ids[i]);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    /// <summary>Lists the records level by level (all roots, then their children...), the order Salesforce answers in.</summary>
    private void Collect(ApiCall call, JsonElement roots, ObjectSchema schema, List<TreeNode> nodes, List<(string?, ApiError)> errors)
    {
        var pending = new Queue<(JsonElement Records, ObjectSchema Schema, int Parent, FieldDefinition? Field)>();
        pending.Enqueue((roots, schema, -1, null));
        while (pending.TryDequeue(out var level))
        {
            foreach (var record in level.Records.EnumerateArray())
            {
                var referenceId = Attribute(record, "referenceId");
                if (string.IsNullOrEmpty(referenceId))
                {
                    errors.Add((null, new ApiError("INVALID_INPUT", "Include a reference ID for each record in the request: attributes.referenceId.", [])));
                    continue;
                }

                if (Attribute(record, "type") is { } type && !type.Equals(level.Schema.Name, StringComparison.OrdinalIgnoreCase))
                {
                    errors.Add((referenceId, new ApiError("INVALID_INPUT", $"The record's attributes.type is {type}, but records here must be {level.Schema.Name}.", [])));
                    continue;
                }

                nodes.Add(new TreeNode(record, level.Schema, referenceId, level.Parent, level.Field));
                var index = nodes.Count - 1;
                foreach (var property in record.EnumerateObject().Where(p => IsChildList(p.Value)))
                {
                    if (ChildRelationship(call, level.Schema, property.Name) is { } child)
                    {
                        pending.Enqueue((property.Value.GetProperty("records"), child.Schema, index, child.Field));
                    }
                    else
                    {
                        errors.Add((referenceId, new ApiError("INVALID_FIELD", $"No such relation '{property.Name}' on entity '{level.Schema.Name}'", [])));
                    }
                }
            }
        }
    }

    private static bool IsChildList(JsonElement value) =>
        value.ValueKind == JsonValueKind.Object && value.TryGetProperty("records", out var records) && records.ValueKind == JsonValueKind.Array;

    private static string? Attribute(JsonElement record, string name) =>
        record.ValueKind == JsonValueKind.Object && record.TryGetProperty("attributes", out var attributes) && attributes.ValueKind == JsonValueKind.Object
        && attributes.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    /// <summary>The child object and lookup behind a child relationship name (<c>Contacts</c>, <c>Invoices__r</c>), as the
    /// schema names it for subqueries and describe; null when the caller cannot read the child object.</summary>
    private (ObjectSchema Schema, FieldDefinition Field)? ChildRelationship(ApiCall call, ObjectSchema parent, string name) =>
        new UserCatalog(org, call.Session.User).ChildRelationships(parent.Name)
            .FirstOrDefault(r => r.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) is { } relationship
        && org.Store.Find(relationship.ChildObject) is { } child
            ? (child, child.Find(relationship.Field)!)
            : null;

    /// <summary>The record's own fields, without attributes and child lists, and the lookup to the parent just created.</summary>
    private static JsonElement Fields(TreeNode node, string? parentId)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            foreach (var property in node.Record.EnumerateObject())
            {
                if (!property.NameEquals("attributes") && !IsChildList(property.Value))
                {
                    property.WriteTo(w);
                }
            }

            if (node.ParentField is { } field && parentId is not null)
            {
                w.WriteString(field.Name, parentId);
            }

            w.WriteEndObject();
        }

        return JsonBodies.Detached(buffer.ToArray());
    }

    private static ApiResult Failure(List<(string? ReferenceId, ApiError Error)> errors) => ApiResult.Json(400, w =>
    {
        w.WriteStartObject();
        w.WriteBoolean("hasErrors", true);
        w.WriteStartArray("results");
        foreach (var (referenceId, error) in errors)
        {
            w.WriteStartObject();
            w.WriteString("referenceId", referenceId);
            w.WriteStartArray("errors");
            w.WriteStartObject();
            w.WriteString("statusCode", error.Code);
            w.WriteString("message", error.Message);
            w.WriteStartArray("fields");
            foreach (var f in error.Fields ?? [])
            {
                w.WriteStringValue(f);
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    });
}
