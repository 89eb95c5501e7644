using System.Text.Json;
using Forcelink.Emulator.Ids;
using Forcelink.Emulator.Org;
using Forcelink.Emulator.Records;
using Forcelink.Emulator.Schema;

namespace Forcelink.Emulator.Api;

/// <summary>Applies Salesforce's save rules (field existence, types, access, required, length, picklists, references) and writes.</summary>
internal sealed class RecordWriter(EmulatedOrg org)
{
    private const string FieldSecuritySuffix =
        ". Please check the security settings of this field and verify that it is read/write for your user profile or permission set.";

    public static ApiError Insufficient() =>
        new("INSUFFICIENT_ACCESS_OR_READONLY", "insufficient access rights on object id", [], 403);

    public static ApiError MalformedId(ObjectSchema? schema, string value) =>
        new("MALFORMED_ID", $"{schema?.Label ?? "Record"} ID: id value of incorrect type: {value}", ["Id"]);

    public SaveResult Create(ObjectSchema schema, JsonElement body, Session session)
    {
        if (!org.Directory.PermissionsFor(session.User, schema.Name).Create)
        {
            return SaveResult.Failed(Insufficient());
        }

        if (Parse(schema, body, create: true, out var values) is { } error)
        {
            return SaveResult.Failed(error);
        }

        var now = org.TimeProvider.GetUtcNow();
        var id = org.Store.NewId(schema);
        var record = schema.NewRecord();
        foreach (var (name, value) in values)
        {
            record[name] = value;
        }

        record["Id"] = id;
        record["IsDeleted"] = false;
        record["CreatedDate"] = now;
        record["CreatedById"] = session.User.Id;
        if (schema.Find("OwnerId") is not null && record["OwnerId"] is null)
        {
            record["OwnerId"] = session.User.Id;
        }

        if (schema.Name == "Case")
        {
            record["CaseNumber"] = org.Store.NextCaseNumber();
        }

        if (schema.Custom && record["Name"] is null)
        {
            record["Name"] = id;
        }

        if ((CheckRequired(schema, record) ?? CheckUnique(schema, record, id)) is { } invalid)
        {
            return SaveResult.Failed(invalid);
        }

        Stamp(schema, record, session, now);
        org.Store.Put(schema, record);
        return new SaveResult(id, []);
    }

    public SaveResult Update(ObjectSchema schema, string id, JsonElement body, Session session)
    {
        if (!org.Directory.PermissionsFor(session.User, schema.Name).Edit)
        {
            return SaveResult.Failed(Insufficient(), id);
        }

        if (Existing(schema, id, out var current) is { } missing)
        {
            return SaveResult.Failed(missing, id);
        }

        if (Parse(schema, body, create: false, out var values) is { } error)
        {
            return SaveResult.Failed(error, id);
        }

        var record = new Dictionary<string, object?>(current!, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in values)
        {
            record[name] = value;
        }

        if ((CheckRequired(schema, record) ?? CheckUnique(schema, record, id)) is { } invalid)
        {
            return SaveResult.Failed(invalid, id);
        }

        Stamp(schema, record, session, org.TimeProvider.GetUtcNow());
        org.Store.Put(schema, record);
        return new SaveResult(id, []);
    }

    public SaveResult Delete(ObjectSchema schema, string id, Session session)
    {
        if (!org.Directory.PermissionsFor(session.User, schema.Name).Delete)
        {
            return SaveResult.Failed(Insufficient(), id);
        }

        if (Existing(schema, id, out var current) is { } missing)
        {
            return SaveResult.Failed(missing, id);
        }

        var record = new Dictionary<string, object?>(current!, StringComparer.OrdinalIgnoreCase) { ["IsDeleted"] = true };
        Stamp(schema, record, session, org.TimeProvider.GetUtcNow());
        org.Store.Put(schema, record);
        return new SaveResult(id, []);
    }

    /// <summary>Upsert by external id (or Id); 300-style multiple matches come back in <see cref="SaveResult.MultipleMatches"/>.</summary>
    public SaveResult Upsert(ObjectSchema schema, FieldDefinition key, string? value, JsonElement body, Session session)
    {
        IReadOnlyList<string> matches;
        if (key.Type == FieldType.Id)
        {
            if (string.IsNullOrEmpty(value))
            {
                matches = [];
            }
            else if (!RecordIds.TryNormalize(value, out var id18))
            {
                return SaveResult.Failed(MalformedId(schema, value));
            }
            else
            {
                matches = org.Store.Get(id18) is { } found && found.Schema == schema && found.Fields["IsDeleted"] is false ? [id18] : [];
                if (matches.Count == 0)
                {
                    return SaveResult.Failed(new ApiError("NOT_FOUND", "The requested resource does not exist", null, 404));
                }
            }
        }
        else
        {
            matches = value is null ? [] : org.Store.FindByExternalId(schema, key, value);
        }

        if (matches.Count > 1)
        {
            return new SaveResult(null, [], MultipleMatches: matches);
        }

        if (body.ValueKind == JsonValueKind.Object && key.Type != FieldType.Id
            && body.TryGetProperty(key.Name, out var inBody) && inBody.ValueKind == JsonValueKind.String
            && !string.Equals(inBody.GetString(), value, StringComparison.OrdinalIgnoreCase) && value is not null)
        {
            return SaveResult.Failed(new ApiError("INVALID_FIELD",
                $"The value of the external ID field in the URL and the request body don't match. {key.Name}: {value}, {inBody.GetString()}"));
        }

        if (matches.Count == 1)
        {
            var updated = Update(schema, matches[0], body, session);
            return updated with { Created = false };
        }

        var created = Create(schema, WithKey(body, key, value), session);
        return created with { Created = created.Success ? true : null };
    }

    public ApiError? Existing(ObjectSchema schema, string id, out IReadOnlyDictionary<string, object?>? fields)
    {
        fields = null;
        if (org.Store.Get(id) is not { } found || found.Schema != schema)
        {
            return new ApiError("NOT_FOUND", "The requested resource does not exist", null, 404);
        }

        if (found.Fields["IsDeleted"] is true)
        {
            return new ApiError("ENTITY_IS_DELETED", "entity is deleted", [], 404);
        }

        fields = found.Fields;
        return null;
    }

    private static JsonElement WithKey(JsonElement body, FieldDefinition key, string? value)
    {
        if (key.Type == FieldType.Id || value is null || body.ValueKind != JsonValueKind.Object || body.TryGetProperty(key.Name, out _))
        {
            return body;
        }

        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            foreach (var p in body.EnumerateObject())
            {
                p.WriteTo(w);
            }

            w.WriteString(key.Name, value);
            w.WriteEndObject();
        }

        return JsonBodies.Detached(buffer.ToArray());
    }

    private ApiError? Parse(ObjectSchema schema, JsonElement body, bool create, out Dictionary<string, object?> values)
    {
        values = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        if (body.ValueKind != JsonValueKind.Object)
        {
            return new ApiError("JSON_PARSER_ERROR", $"Cannot deserialize instance of {schema.Name} from {body.ValueKind} value or request may be missing a required field");
        }

        var notWritable = new List<string>();
        foreach (var property in body.EnumerateObject())
        {
            if (property.NameEquals("attributes"))
            {
                continue;
            }

            if (schema.Find(property.Name) is not { } field)
            {
                return new ApiError("INVALID_FIELD", $"No such column '{property.Name}' on sobject of type {schema.Name}");
            }

            if (!create && field.Type == FieldType.Id)
            {
                // Collections updates carry the id in the body; it addresses the record rather than changing it.
                continue;
            }

            if (!FieldCodec.TryConvert(field, property.Value, out var value, out var parseError))
            {
                return new ApiError("JSON_PARSER_ERROR", parseError!);
            }

            if (create ? !field.Createable : !field.Updateable)
            {
                notWritable.Add(field.Name);
                continue;
            }

            if (Validate(field, value) is { } invalid)
            {
                return invalid;
            }

            values[field.Name] = field.Type == FieldType.Reference && value is string reference && RecordIds.TryNormalize(reference, out var id18)
                ? id18
                : value;
        }

        if (notWritable.Count > 0)
        {
            return new ApiError("INVALID_FIELD_FOR_INSERT_UPDATE",
                $"Unable to create/update fields: {string.Join(", ", notWritable)}{FieldSecuritySuffix}", notWritable);
        }

        return null;
    }

    private ApiError? Validate(FieldDefinition field, object? value)
    {
        if (value is string text && field.IsText && field.Type is not FieldType.Picklist and not FieldType.MultiPicklist && text.Length > field.Length)
        {
            return new ApiError("STRING_TOO_LONG", $"{field.Label}: data value too large: {text} (max length={field.Length})", [field.Name]);
        }

        if (value is string choice && field.Type == FieldType.Picklist && field.RestrictedPicklist
            && !field.PicklistValues.Any(p => string.Equals(p.Value, choice, StringComparison.Ordinal)))
        {
            return new ApiError("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", $"{field.Label}: bad value for restricted picklist field: {choice}", [field.Name]);
        }

        if (value is string reference && field.Type == FieldType.Reference)
        {
            if (!RecordIds.TryNormalize(reference, out var id18))
            {
                return new ApiError("MALFORMED_ID", $"{field.Label}: id value of incorrect type: {reference}", [field.Name]);
            }

            var target = org.Store.FindByPrefix(id18);
            if (target is null || !field.ReferenceTo.Contains(target.Name, StringComparer.OrdinalIgnoreCase))
            {
                return new ApiError("FIELD_INTEGRITY_EXCEPTION", $"{field.Label}: id value of incorrect type: {reference}", [field.Name]);
            }

            if (org.Store.Get(id18) is not { } found || found.Fields["IsDeleted"] is true)
            {
                return new ApiError("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", []);
            }
        }

        return null;
    }

    private static ApiError? CheckRequired(ObjectSchema schema, Dictionary<string, object?> record)
    {
        List<string>? missing = null;
        foreach (var field in schema.RequiredFields)
        {
            if (record.GetValueOrDefault(field.Name) is null or "")
            {
                (missing ??= []).Add(field.Name);
            }
        }

        return missing is null
            ? null
            : new ApiError("REQUIRED_FIELD_MISSING", $"Required fields are missing: [{string.Join(", ", missing)}]", missing);
    }

    private ApiError? CheckUnique(ObjectSchema schema, Dictionary<string, object?> record, string id)
    {
        foreach (var field in schema.UniqueFields)
        {
            if (record.GetValueOrDefault(field.Name) is not { } raw)
            {
                continue;
            }

            var value = Convert.ToString(raw, System.Globalization.CultureInfo.InvariantCulture)!;
            var clash = field.ExternalId
                ? org.Store.FindByExternalId(schema, field, value).FirstOrDefault(other => other != id)
                : org.Store.Rows(schema.Name, includeDeleted: false)
                    .Where(r => (string)r["Id"]! != id && string.Equals(Convert.ToString(r.GetValueOrDefault(field.Name), System.Globalization.CultureInfo.InvariantCulture), value, StringComparison.OrdinalIgnoreCase))
                    .Select(r => (string)r["Id"]!)
                    .FirstOrDefault();
            if (clash is not null)
            {
                return new ApiError("DUPLICATE_VALUE", $"duplicate value found: {field.Name} duplicates value on record with id: {clash}", [field.Name]);
            }
        }

        return null;
    }

    private void Stamp(ObjectSchema schema, Dictionary<string, object?> record, Session session, DateTimeOffset now)
    {
        Derive(schema, record);
        record["LastModifiedDate"] = now;
        record["LastModifiedById"] = session.User.Id;
        record["SystemModstamp"] = now;
        if (schema.Name is "Lead" or "Contact" or "User")
        {
            record["Name"] = $"{record.GetValueOrDefault("FirstName")} {record.GetValueOrDefault("LastName")}".Trim();
        }

        if (schema.Name == "Case")
        {
            var closed = record.GetValueOrDefault("Status") is "Closed";
            if (closed && record.GetValueOrDefault("IsClosed") is not true)
            {
                record["ClosedDate"] = now;
            }

            record["IsClosed"] = closed;
            if (!closed)
            {
                record["ClosedDate"] = null;
            }
        }
    }

    /// <summary>Fields Salesforce computes from other records: a price book entry carries its product's name and code; an
    /// opportunity product its entry's list price and product, a sales price defaulted to the list price and the total.</summary>
    private void Derive(ObjectSchema schema, Dictionary<string, object?> record)
    {
        switch (schema.Name)
        {
            case "Opportunity":
                var stage = StandardObjects.OpportunityStages.FirstOrDefault(s => s.Stage.Equals(record.GetValueOrDefault("StageName") as string, StringComparison.OrdinalIgnoreCase));
                record["IsClosed"] = stage.Closed;
                record["IsWon"] = stage.Won;
                break;
            case "PricebookEntry" when Related(record, "Product2Id") is { } product:
                record["Name"] = product.GetValueOrDefault("Name");
                record["ProductCode"] = product.GetValueOrDefault("ProductCode");
                break;
            case "OpportunityLineItem" when Related(record, "PricebookEntryId") is { } entry:
                record["ListPrice"] = entry.GetValueOrDefault("UnitPrice");
                record["Product2Id"] = entry.GetValueOrDefault("Product2Id");
                record["ProductCode"] = entry.GetValueOrDefault("ProductCode");
                var opportunity = Related(record, "OpportunityId");
                record["Name"] = $"{opportunity?.GetValueOrDefault("Name")} {entry.GetValueOrDefault("Name")}".Trim();
                var quantity = record.GetValueOrDefault("Quantity") as decimal?;
                if (record.GetValueOrDefault("UnitPrice") is null && record.GetValueOrDefault("TotalPrice") is decimal total && quantity is > 0)
                {
                    record["UnitPrice"] = total / quantity.Value;
                }

                record["UnitPrice"] ??= record["ListPrice"];
                record["TotalPrice"] = record["UnitPrice"] is decimal price && quantity is { } q ? price * q : null;
                break;
        }
    }

    private IReadOnlyDictionary<string, object?>? Related(Dictionary<string, object?> record, string field) =>
        record.GetValueOrDefault(field) is string id && org.Store.Get(id) is { } found ? found.Fields : null;
}
