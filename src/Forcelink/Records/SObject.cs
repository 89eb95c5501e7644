using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Forcelink.Records;

/// <summary>
/// A record of any sObject: its type, its id and the fields it holds, in order. Holds exactly the fields that were read
/// or set, so an update sends only the fields you set, and setting a field to <see langword="null"/> clears it in Salesforce.
/// Typed records (<see cref="Lead"/>, <see cref="Case"/>) derive from it and keep custom fields they do not declare.
/// </summary>
[JsonConverter(typeof(SObjectJsonConverter))]
public class SObject
{
    private RecordFields _fields;

    /// <summary>Creates an empty record of an object.</summary>
    /// <param name="objectName">The sObject's API name, such as <c>Account</c> or <c>Invoice__c</c>.</param>
    public SObject(string objectName)
    {
        ArgumentException.ThrowIfNullOrEmpty(objectName);
        ObjectName = objectName;
        _fields = new RecordFields();
    }

    private SObject(string objectName, RecordFields fields) => (ObjectName, _fields) = (objectName, fields);

    /// <summary>The sObject's API name.</summary>
    public string ObjectName { get; private set; }

    /// <summary>The record id (18 characters as Salesforce returns it); <see langword="null"/> before it is created.</summary>
    public string? Id
    {
        get => GetString(nameof(Id));
        set
        {
            if (value is null)
            {
                _fields.Remove(nameof(Id));
            }
            else
            {
                _fields.Set(nameof(Id), value);
            }
        }
    }

    /// <summary>Whether the record is in the Recycle Bin (every sObject has it). Read-only in Salesforce.</summary>
    public bool? IsDeleted => GetBoolean(nameof(IsDeleted));

    /// <summary>When the record was created. Read-only in Salesforce.</summary>
    public DateTimeOffset? CreatedDate => GetDateTime(nameof(CreatedDate));

    /// <summary>Who created the record. Read-only in Salesforce.</summary>
    public string? CreatedById => GetString(nameof(CreatedById));

    /// <summary>When the record was last changed. Read-only in Salesforce.</summary>
    public DateTimeOffset? LastModifiedDate => GetDateTime(nameof(LastModifiedDate));

    /// <summary>Who last changed the record. Read-only in Salesforce.</summary>
    public string? LastModifiedById => GetString(nameof(LastModifiedById));

    /// <summary>When a user or an automated process last changed the record. Read-only in Salesforce.</summary>
    public DateTimeOffset? SystemModstamp => GetDateTime(nameof(SystemModstamp));

    /// <summary>The names of the fields this record holds, <c>Id</c> included when set.</summary>
    public IEnumerable<string> FieldNames
    {
        get
        {
            for (var i = 0; i < _fields.Count; i++)
            {
                yield return _fields.NameAt(i);
            }
        }
    }

    /// <summary>A field's JSON value: <see langword="null"/> both when the field is null and when it is absent (see <see cref="Has"/>).
    /// Setting a field to <see langword="null"/> clears it in Salesforce on update.</summary>
    public JsonNode? this[string field]
    {
        get => _fields.GetNode(field);
        set
        {
            ArgumentException.ThrowIfNullOrEmpty(field);
            _fields.Set(field, RecordFields.FromNode(value));
        }
    }

    /// <summary>Whether the record holds the field (set, or read from Salesforce), even with a null value.</summary>
    public bool Has(string field) => _fields.Has(field);

    /// <summary>Removes a field so that it is neither sent nor read.</summary>
    public bool Remove(string field) => _fields.Remove(field);

    /// <summary>A text field's value.</summary>
    public string? GetString(string field) => _fields.Get(field) switch
    {
        null => null,
        string s => s,
        bool b => b ? "true" : "false",
        decimal d => d.ToString(CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        NumberText n => n.Text,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        var other => ((JsonNode)other).ToJsonString(),
    };

    /// <summary>A number field's value.</summary>
    public decimal? GetDecimal(string field) => _fields.Get(field) switch
    {
        decimal d => d,
        int i => i,
        NumberText n => n.TryGetDecimal(out var d) ? d : null,
        string s => decimal.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null,
        JsonValue v => v.TryGetValue<decimal>(out var d) ? d : decimal.TryParse(v.ToString(), NumberStyles.Float, CultureInfo.InvariantCulture, out d) ? d : null,
        _ => null,
    };

    /// <summary>An integer field's value.</summary>
    public int? GetInt32(string field) => GetDecimal(field) is { } d ? (int)d : null;

    /// <summary>A checkbox field's value (also from the text <c>true</c>/<c>false</c>, as bulk query results carry it).</summary>
    public bool? GetBoolean(string field) => _fields.Get(field) switch
    {
        bool b => b,
        string s => bool.TryParse(s, out var b) ? b : null,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v when v.TryGetValue<string>(out var s) && bool.TryParse(s, out var b) => b,
        _ => null,
    };

    /// <summary>A datetime field's value.</summary>
    public DateTimeOffset? GetDateTime(string field) =>
        SalesforceDateTime.TryParse(GetString(field), out var value) ? value : null;

    /// <summary>A date field's value.</summary>
    public DateOnly? GetDate(string field) =>
        DateOnly.TryParseExact(GetString(field), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var value) ? value : null;

    /// <summary>A parent record read through a relationship in a query, such as <c>Owner</c> in <c>SELECT Owner.Name FROM Lead</c>;
    /// <see langword="null"/> when the record has no parent (Salesforce answers <see langword="null"/>) or the query did not select it.</summary>
    /// <remarks>Bulk query results carry no types, so a parent read from them takes the relationship's name as its type.</remarks>
    public SObject? GetRelated(string relationshipName)
    {
        if (_fields.Get(relationshipName) is not JsonObject related)
        {
            return null;
        }

        var copy = related.DeepClone().AsObject();
        if (copy["attributes"] is JsonObject)
        {
            return FromJson(copy);
        }

        var record = new SObject(relationshipName);
        record.Load(copy);
        return record;
    }

    /// <summary>A parent record read through a relationship, as a typed record: <c>case.GetRelated&lt;Contact&gt;("Contact")</c>.</summary>
    public T? GetRelated<T>(string relationshipName)
        where T : SObject, new() =>
        _fields.Get(relationshipName) is JsonObject related ? FromJson<T>(related.DeepClone().AsObject()) : null;

    /// <summary>The child records a query returned for a child relationship, such as <c>Contacts</c> in
    /// <c>SELECT Name, (SELECT LastName FROM Contacts) FROM Account</c>, in Salesforce's order. Empty when the record has no
    /// children (Salesforce answers <see langword="null"/>, not an empty list) or the query did not select the relationship.
    /// When Salesforce split a long list of children, this holds the first part only;
    /// <see cref="SalesforceClient.QueryChildrenAsync"/> fetches the rest.</summary>
    public IReadOnlyList<SObject> GetChildren(string relationshipName) =>
        ChildRecords(relationshipName).Select(FromJson).ToArray();

    /// <summary>The child records of a child relationship as typed records: <c>account.GetChildren&lt;Case&gt;("Cases")</c>.</summary>
    public IReadOnlyList<T> GetChildren<T>(string relationshipName)
        where T : SObject, new() =>
        ChildRecords(relationshipName).Select(FromJson<T>).ToArray();

    /// <summary>Sets a text field; <see langword="null"/> clears it.</summary>
    public void Set(string field, string? value) => SetPlain(field, value);

    /// <summary>Sets a number field; <see langword="null"/> clears it.</summary>
    public void Set(string field, decimal? value) => SetPlain(field, value);

    /// <summary>Sets an integer field; <see langword="null"/> clears it.</summary>
    public void Set(string field, int? value) => SetPlain(field, value);

    /// <summary>Sets a checkbox field; <see langword="null"/> clears it.</summary>
    public void Set(string field, bool? value) => SetPlain(field, value);

    /// <summary>Sets a datetime field (sent in UTC); <see langword="null"/> clears it.</summary>
    public void Set(string field, DateTimeOffset? value) => SetPlain(field, value is null ? null : SalesforceDateTime.Format(value.Value));

    /// <summary>Sets a date field; <see langword="null"/> clears it.</summary>
    public void Set(string field, DateOnly? value) => SetPlain(field, value is null ? null : SalesforceDateTime.Format(value.Value));

    /// <summary>The record as Salesforce JSON: its fields, without <c>attributes</c>.</summary>
    public string ToJson()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            _fields.WriteProperties(writer);
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>A short description: type and id only, since field values may be personal data.</summary>
    public override string ToString() => $"{ObjectName} {Id ?? "(new)"} ({_fields.Count} fields)";

    /// <summary>Reads a record from Salesforce JSON, taking the type from <c>attributes.type</c>.</summary>
    /// <exception cref="ArgumentException">The JSON has no <c>attributes.type</c>.</exception>
    public static SObject FromJson(JsonObject json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var type = (json["attributes"] as JsonObject)?["type"]?.GetValue<string>()
            ?? throw new ArgumentException("The record JSON has no attributes.type; use a typed record or say which object it is.", nameof(json));
        var record = new SObject(type);
        record.Load(json);
        return record;
    }

    /// <summary>Creates a typed record from Salesforce JSON.</summary>
    public static T FromJson<T>(JsonObject json)
        where T : SObject, new()
    {
        ArgumentNullException.ThrowIfNull(json);
        var record = new T();
        record.Load(json);
        return record;
    }

    internal RecordFields Fields => _fields;

    /// <summary>The fields a CSV column can carry: all but related records.</summary>
    internal IEnumerable<string> ScalarFieldNames()
    {
        for (var i = 0; i < _fields.Count; i++)
        {
            if (_fields.ValueAt(i) is not JsonObject)
            {
                yield return _fields.NameAt(i);
            }
        }
    }

    /// <summary>Reads a record of any object from the JSON object <paramref name="reader"/> is at, taking its type from
    /// <c>attributes.type</c> or else <paramref name="objectName"/>.</summary>
    internal static SObject Read(ref Utf8JsonReader reader, string? objectName)
    {
        var fields = new RecordFields();
        var type = fields.Read(ref reader);
        return new SObject(
            type ?? objectName ?? throw new JsonException("The record JSON has no attributes.type; use a typed record or say which object it is."),
            fields);
    }

    /// <summary>Reads a typed record from the JSON object <paramref name="reader"/> is at.</summary>
    internal static T Read<T>(ref Utf8JsonReader reader)
        where T : SObject, new()
    {
        var record = new T();
        if (record._fields.Read(ref reader) is { Length: > 0 } type)
        {
            record.ObjectName = type;
        }

        return record;
    }

    private void SetPlain(string field, object? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(field);
        _fields.Set(field, value);
    }

    private IEnumerable<JsonObject> ChildRecords(string relationshipName)
    {
        ArgumentException.ThrowIfNullOrEmpty(relationshipName);
        return _fields.Get(relationshipName) is JsonObject { } result && result["records"] is JsonArray records
            ? records.OfType<JsonObject>().Select(r => r.DeepClone().AsObject())
            : [];
    }

    internal void Load(JsonObject json)
    {
        if (json["attributes"] is JsonObject attributes && attributes["type"]?.GetValue<string>() is { Length: > 0 } type)
        {
            ObjectName = type;
        }

        json.Remove("attributes");
        _fields = new RecordFields(json.Count);
        _fields.Take(json);
    }

    /// <summary>The fields to send on create, update or upsert: everything set, except <c>Id</c> and <paramref name="exclude"/>.</summary>
    internal JsonObject ToWriteBody(string? exclude = null, bool withAttributes = false)
    {
        var body = new JsonObject();
        if (withAttributes)
        {
            body["attributes"] = new JsonObject { ["type"] = ObjectName };
        }

        for (var i = 0; i < _fields.Count; i++)
        {
            var (name, value) = (_fields.NameAt(i), _fields.ValueAt(i));
            if (name == nameof(Id) || string.Equals(name, exclude, StringComparison.OrdinalIgnoreCase) || value is JsonObject)
            {
                continue;
            }

            body[name] = value switch
            {
                null => null,
                JsonNode node => node.DeepClone(),
                _ => RecordFields.ToNode(value),
            };
        }

        return body;
    }

    /// <summary>Writes what <see cref="ToWriteBody"/> builds straight to <paramref name="writer"/>, with no copies of the values:
    /// a collections call of 200 records allocated most of a bulk upsert's client time building them.</summary>
    internal void WriteBody(Utf8JsonWriter writer, bool withAttributes, string? id, string? exclude = null)
    {
        writer.WriteStartObject();
        if (withAttributes)
        {
            writer.WriteStartObject("attributes");
            writer.WriteString("type", ObjectName);
            writer.WriteEndObject();
        }

        _fields.WriteProperties(writer, exclude is null
            ? static (name, value) => name != nameof(Id) && value is not JsonObject
            : (name, value) => name != nameof(Id) && value is not JsonObject && !string.Equals(name, exclude, StringComparison.OrdinalIgnoreCase));
        if (id is not null)
        {
            writer.WriteString("id", id);
        }

        writer.WriteEndObject();
    }

    /// <summary>What <see cref="WriteBody"/> writes, as UTF-8 bytes for a single record's create, update or upsert.</summary>
    internal byte[] ToWriteBytes(string? exclude = null)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteBody(writer, withAttributes: false, id: null, exclude);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes the fields alone (no <c>attributes</c>, none in related records either), as an operation's answer shows a record.</summary>
    internal void WriteFieldsTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        _fields.WriteProperties(writer, stripAttributes: true);
        writer.WriteEndObject();
    }

    internal void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("attributes");
        writer.WriteString("type", ObjectName);
        writer.WriteEndObject();
        _fields.WriteProperties(writer);
        writer.WriteEndObject();
    }
}
