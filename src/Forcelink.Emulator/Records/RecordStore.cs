using System.Globalization;
using System.Text;
using System.Text.Json;
using Forcelink.Emulator.Ids;
using Forcelink.Emulator.Schema;
using Forcelink.Emulator.Soql;
using Microsoft.Data.Sqlite;

namespace Forcelink.Emulator.Records;

/// <summary>
/// Records of one org. Reads are served from an in-memory mirror so a 50,000-row scan does not re-parse JSON; with a
/// data file, SQLite keeps the durable copy. Without one there is no SQLite at all: an in-memory database would only
/// duplicate the mirror, and binding its statements was two thirds of the emulator's time in a bulk upsert.
/// Callers serialise access (the org gate), so nothing here locks.
/// Field maps are copied on write: query results paged later keep the values they had when the query ran.
/// </summary>
internal sealed class RecordStore : ISoqlCatalog, IDisposable
{
    private readonly SqliteConnection? _connection;
    private readonly Dictionary<string, ObjectSchema> _objects = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, ObjectSchema> _byPrefix = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, Dictionary<string, object?>>> _rows = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, ObjectSchema> _ownerOf = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Object, string Field), Dictionary<string, List<string>>> _externalIndex = [];
    private readonly string _pod;
    private SqliteTransaction? _transaction;
    private SqliteCommand? _upsert;
    private SqliteCommand? _delete;
    private readonly System.Buffers.ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly Utf8JsonWriter _json = new(Stream.Null, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    private List<(string Id, ObjectSchema Schema, Dictionary<string, object?>? Previous)>? _undo;
    private long _sequence;
    private Dictionary<string, List<SoqlChildRelationship>>? _childRelationships;
    private long _caseNumber = 999;

    public RecordStore(string? dataFile, IEnumerable<ObjectSchema> objects, string pod)
    {
        _pod = pod;
        foreach (var schema in objects)
        {
            AddObject(schema);
        }

        if (dataFile is null)
        {
            return;
        }

        var builder = new SqliteConnectionStringBuilder { DataSource = dataFile, Mode = SqliteOpenMode.ReadWriteCreate };
        _connection = new SqliteConnection(builder.ToString());
        _connection.Open();
        Execute("""
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=NORMAL;
            CREATE TABLE IF NOT EXISTS records (id TEXT PRIMARY KEY, object TEXT NOT NULL, body TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS records_object ON records(object);
            CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
            """);
        Load();
    }

    public IReadOnlyCollection<ObjectSchema> Objects => _objects.Values;

    public void AddObject(ObjectSchema schema)
    {
        _childRelationships = null;
        _objects[schema.Name] = schema;
        _byPrefix[schema.KeyPrefix] = schema;
        _rows.TryAdd(schema.Name, new Dictionary<string, Dictionary<string, object?>>(StringComparer.Ordinal));
        foreach (var field in schema.ExternalIdFields)
        {
            _externalIndex.TryAdd((schema.Name, field.Name), new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase));
        }
    }

    public ObjectSchema? Find(string name) => _objects.GetValueOrDefault(name);

    public ObjectSchema? FindByPrefix(string id) => id.Length >= 3 ? _byPrefix.GetValueOrDefault(id[..3]) : null;

    public int Count(string objectName, bool includeDeleted) =>
        _rows.TryGetValue(objectName, out var rows) ? rows.Values.Count(r => includeDeleted || !IsDeleted(r)) : 0;

    public string NewId(ObjectSchema schema) => RecordIds.Create(schema.KeyPrefix, _pod, ++_sequence);

    public string NextCaseNumber() => (++_caseNumber).ToString("00000000", CultureInfo.InvariantCulture);

    /// <summary>The record by 18-character id, deleted ones included.</summary>
    public (ObjectSchema Schema, IReadOnlyDictionary<string, object?> Fields)? Get(string id18)
    {
        if (_ownerOf.TryGetValue(id18, out var schema) && _rows[schema.Name].TryGetValue(id18, out var fields))
        {
            return (schema, fields);
        }

        return null;
    }

    public IReadOnlyList<string> FindByExternalId(ObjectSchema schema, FieldDefinition field, string value)
    {
        if (_externalIndex.TryGetValue((schema.Name, field.Name), out var index))
        {
            return index.TryGetValue(value, out var ids) ? ids.Where(id => !IsDeleted(_rows[schema.Name][id])).ToList() : [];
        }

        // Non-indexed lookups (e.g. Id used as the upsert key) fall back to a scan.
        return _rows[schema.Name].Values
            .Where(r => !IsDeleted(r) && string.Equals(Render(r.GetValueOrDefault(field.Name)), value, StringComparison.OrdinalIgnoreCase))
            .Select(r => (string)r["Id"]!)
            .ToList();
    }

    public void Put(ObjectSchema schema, Dictionary<string, object?> fields)
    {
        var id = (string)fields["Id"]!;
        var rows = _rows[schema.Name];
        rows.TryGetValue(id, out var previous);
        var inTransaction = InTransaction;
        if (!inTransaction)
        {
            Begin();
        }

        _undo!.Add((id, schema, previous));
        if (previous is not null)
        {
            Unindex(schema, id, previous);
        }

        rows[id] = fields;
        _ownerOf[id] = schema;
        Index(schema, id, fields);
        if (_connection is null)
        {
            if (!inTransaction)
            {
                Commit();
            }

            return;
        }

        // One prepared statement for the connection's lifetime: re-preparing per row dominated bulk inserts.
        if (_upsert is null)
        {
            _upsert = _connection.CreateCommand();
            _upsert.CommandText = "INSERT OR REPLACE INTO records (id, object, body) VALUES ($id, $object, $body)";
            _upsert.Parameters.Add("$id", SqliteType.Text);
            _upsert.Parameters.Add("$object", SqliteType.Text);
            _upsert.Parameters.Add("$body", SqliteType.Text);
        }

        _upsert.Transaction = _transaction;
        _upsert.Parameters[0].Value = id;
        _upsert.Parameters[1].Value = schema.Name;
        _upsert.Parameters[2].Value = Serialize(schema, fields);
        _upsert.ExecuteNonQuery();

        if (!inTransaction)
        {
            Commit();
        }
    }

    /// <summary>Removes a record for good (a Bulk API hardDelete): gone from queryAll too. Rollback restores it.</summary>
    public void Remove(ObjectSchema schema, string id)
    {
        var rows = _rows[schema.Name];
        if (!rows.TryGetValue(id, out var previous))
        {
            return;
        }

        var inTransaction = InTransaction;
        if (!inTransaction)
        {
            Begin();
        }

        _undo!.Add((id, schema, previous));
        Unindex(schema, id, previous);
        rows.Remove(id);
        _ownerOf.Remove(id);
        if (_connection is not null)
        {
            if (_delete is null)
            {
                _delete = _connection.CreateCommand();
                _delete.CommandText = "DELETE FROM records WHERE id = $id";
                _delete.Parameters.Add("$id", SqliteType.Text);
            }

            _delete.Transaction = _transaction;
            _delete.Parameters[0].Value = id;
            _delete.ExecuteNonQuery();
        }

        if (!inTransaction)
        {
            Commit();
        }
    }

    public bool InTransaction => _undo is not null;

    public void Begin()
    {
        _transaction = _connection?.BeginTransaction();
        _undo = [];
    }

    public void Commit()
    {
        if (_transaction is not null)
        {
            SaveCounters();
            _transaction.Commit();
            _transaction.Dispose();
            _transaction = null;
        }

        _undo = null;
    }

    public void Rollback()
    {
        for (var i = _undo!.Count - 1; i >= 0; i--)
        {
            var (id, schema, previous) = _undo[i];
            var rows = _rows[schema.Name];
            if (rows.TryGetValue(id, out var current))
            {
                Unindex(schema, id, current);
            }

            if (previous is null)
            {
                rows.Remove(id);
                _ownerOf.Remove(id);
            }
            else
            {
                rows[id] = previous;
                _ownerOf[id] = schema;
                Index(schema, id, previous);
            }
        }

        _transaction?.Rollback();
        _transaction?.Dispose();
        _transaction = null;
        _undo = null;
    }

    public void Clear()
    {
        foreach (var rows in _rows.Values)
        {
            rows.Clear();
        }

        foreach (var index in _externalIndex.Values)
        {
            index.Clear();
        }

        _ownerOf.Clear();
        _sequence = 0;
        _caseNumber = 999;
        Execute("DELETE FROM records; DELETE FROM counters;");
    }

    public IEnumerable<IReadOnlyDictionary<string, object?>> Rows(string objectName, bool includeDeleted) =>
        _rows.TryGetValue(objectName, out var rows) ? rows.Values.Where(r => includeDeleted || !IsDeleted(r)) : [];

    public IEnumerable<string> SearchableObjects => _objects.Values.Where(o => o.Searchable).Select(o => o.Name);

    SoqlObjectInfo? ISoqlCatalog.FindObject(string name) => Find(name)?.SoqlInfo;

    IEnumerable<SoqlRecord> ISoqlCatalog.Scan(string objectName, bool includeDeleted)
    {
        var schema = Find(objectName);
        return schema is null ? [] : Rows(schema.Name, includeDeleted).Select(r => new SoqlRecord(schema.Name, r));
    }

    SoqlRecord? ISoqlCatalog.FindById(string id) =>
        RecordIds.TryNormalize(id, out var id18) && Get(id18) is { } found ? new SoqlRecord(found.Schema.Name, found.Fields) : null;

    /// <inheritdoc cref="ISoqlCatalog.ChildRelationships"/>
    public IReadOnlyList<SoqlChildRelationship> ChildRelationships(string objectName) =>
        (_childRelationships ??= SoqlChildRelationship.Index(_objects.Values.Select(o => o.SoqlInfo))).GetValueOrDefault(objectName) ?? [];

    public void Dispose()
    {
        _upsert?.Dispose();
        _delete?.Dispose();
        _json.Dispose();
        _transaction?.Dispose();
        _connection?.Dispose();
    }

    private static bool IsDeleted(IReadOnlyDictionary<string, object?> row) => row.GetValueOrDefault("IsDeleted") is true;

    private static string? Render(object? value) => value switch
    {
        null => null,
        string s => s,
        decimal d => d.ToString(CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    private void Index(ObjectSchema schema, string id, IReadOnlyDictionary<string, object?> fields)
    {
        foreach (var field in schema.ExternalIdFields)
        {
            if (Render(fields.GetValueOrDefault(field.Name)) is { } value)
            {
                var index = _externalIndex[(schema.Name, field.Name)];
                if (!index.TryGetValue(value, out var ids))
                {
                    index[value] = ids = [];
                }

                ids.Add(id);
            }
        }
    }

    private void Unindex(ObjectSchema schema, string id, IReadOnlyDictionary<string, object?> fields)
    {
        foreach (var field in schema.ExternalIdFields)
        {
            if (Render(fields.GetValueOrDefault(field.Name)) is { } value
                && _externalIndex[(schema.Name, field.Name)].TryGetValue(value, out var ids))
            {
                ids.Remove(id);
            }
        }
    }

    private string Serialize(ObjectSchema schema, IReadOnlyDictionary<string, object?> fields)
    {
        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
        _json.WriteStartObject();
        foreach (var (name, value) in fields)
        {
            _json.WritePropertyName(name);
            FieldValues.Write(_json, schema.Find(name)?.Type ?? FieldType.String, value);
        }

        _json.WriteEndObject();
        _json.Flush();
        return Encoding.UTF8.GetString(_buffer.WrittenSpan);
    }

    private void Load()
    {
        if (_connection is null)
        {
            return;
        }

        using (var command = _connection.CreateCommand())
        {
            command.CommandText = "SELECT id, object, body FROM records ORDER BY rowid";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                if (Find(reader.GetString(1)) is not { } schema)
                {
                    continue;
                }

                var fields = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
                using var body = JsonDocument.Parse(reader.GetString(2));
                foreach (var property in body.RootElement.EnumerateObject())
                {
                    if (schema.Find(property.Name) is { } field)
                    {
                        fields[field.Name] = FieldCodec.FromStored(field, property.Value);
                    }
                }

                var id = reader.GetString(0);
                _rows[schema.Name][id] = fields;
                _ownerOf[id] = schema;
                Index(schema, id, fields);
            }
        }

        using (var command = _connection.CreateCommand())
        {
            command.CommandText = "SELECT name, value FROM counters";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                switch (reader.GetString(0))
                {
                    case "sequence":
                        _sequence = reader.GetInt64(1);
                        break;
                    case "case":
                        _caseNumber = reader.GetInt64(1);
                        break;
                    default:
                        break;
                }
            }
        }
    }

    private void SaveCounters()
    {
        using var command = _transaction!.Connection!.CreateCommand();
        command.Transaction = _transaction;
        command.CommandText = "INSERT OR REPLACE INTO counters (name, value) VALUES ('sequence', $s), ('case', $c)";
        command.Parameters.AddWithValue("$s", _sequence);
        command.Parameters.AddWithValue("$c", _caseNumber);
        command.ExecuteNonQuery();
    }

    private void Execute(string sql)
    {
        if (_connection is null)
        {
            return;
        }

        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
