using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Forcelink.Records;

/// <summary>
/// A record's fields in the order they were read or set, each value kept as the plain .NET value it is (text, a
/// checkbox, a number) and turned into a <see cref="JsonNode"/> only when someone asks for one. Records used to keep a
/// <see cref="JsonObject"/>: a Lead's round trip cost twice a plain class, and every warm read built a node per field.
/// </summary>
/// <remarks>
/// A value is <see langword="null"/>, <see cref="string"/>, a boxed <see cref="bool"/>, <see cref="decimal"/> or
/// <see cref="int"/>, a <see cref="NumberText"/> (a number a decimal cannot hold exactly), or a <see cref="JsonNode"/>
/// (related records, child lists, and nodes handed out or set through the indexer). Nodes are parented by one holder
/// object so that setting one on another record copies it, as a <see cref="JsonObject"/> did.
/// </remarks>
internal sealed class RecordFields
{
    private static readonly object True = true;
    private static readonly object False = false;

    // Beyond this many fields a lookup table beats scanning names; records read by id hold a few dozen at most.
    private const int ScanLimit = 16;

    private Entry[] _entries;
    private int _count;
    private Dictionary<string, int>? _index;
    private JsonObject? _nodes;

    public RecordFields(int capacity = 8) => _entries = new Entry[Math.Max(capacity, 1)];

    public int Count => _count;

    public string NameAt(int index) => _entries[index].Name;

    public object? ValueAt(int index) => _entries[index].Value;

    public bool Has(string name) => IndexOf(name) >= 0;

    /// <summary>The field's value as stored (see the remarks); <see langword="null"/> when absent.</summary>
    public object? Get(string name) => IndexOf(name) is var i and >= 0 ? _entries[i].Value : null;

    /// <summary>The field's value as a node, made once and kept, so that the same node comes back each time.</summary>
    public JsonNode? GetNode(string name)
    {
        var i = IndexOf(name);
        if (i < 0)
        {
            return null;
        }

        var value = _entries[i].Value;
        if (value is null or JsonNode)
        {
            return (JsonNode?)value;
        }

        var node = ToNode(value);
        Hold(name, node);
        _entries[i].Value = node;
        return node;
    }

    /// <summary>Sets a value (see the remarks for what it may be); a node must have no parent.</summary>
    public void Set(string name, object? value)
    {
        var i = IndexOf(name);
        if (i >= 0 && _entries[i].Value is JsonNode)
        {
            _nodes!.Remove(name);
        }

        if (value is JsonNode node)
        {
            Hold(name, node);
        }

        if (i >= 0)
        {
            _entries[i].Value = value;
            return;
        }

        Append(name, value);
    }

    public bool Remove(string name)
    {
        var i = IndexOf(name);
        if (i < 0)
        {
            return false;
        }

        if (_entries[i].Value is JsonNode)
        {
            _nodes!.Remove(name);
        }

        Array.Copy(_entries, i + 1, _entries, i, _count - i - 1);
        _entries[--_count] = default;
        _index = null;
        return true;
    }

    /// <summary>Writes <c>"name": value</c> for each field <paramref name="include"/> accepts.</summary>
    public void WriteProperties(Utf8JsonWriter writer, Func<string, object?, bool>? include = null, bool stripAttributes = false)
    {
        for (var i = 0; i < _count; i++)
        {
            var (name, value) = (_entries[i].Name, _entries[i].Value);
            if (include is not null && !include(name, value))
            {
                continue;
            }

            writer.WritePropertyName(name);
            WriteValue(writer, value, stripAttributes);
        }
    }

    public static void WriteValue(Utf8JsonWriter writer, object? value, bool stripAttributes = false)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string text:
                writer.WriteStringValue(text);
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            case decimal number:
                writer.WriteNumberValue(number);
                break;
            case int number:
                writer.WriteNumberValue(number);
                break;
            case NumberText number:
                writer.WriteRawValue(number.Text, skipInputValidation: true);
                break;
            case JsonNode node when stripAttributes:
                WriteStripped(writer, node);
                break;
            case JsonNode node:
                node.WriteTo(writer);
                break;
            default:
                throw new InvalidOperationException($"A record field holds a {value.GetType().Name}, which is not a JSON value.");
        }
    }

    /// <summary>Reads the properties of the object <paramref name="reader"/> is at into these fields; returns <c>attributes.type</c>.</summary>
    public string? Read(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"A record must be a JSON object, not {reader.TokenType}.");
        }

        string? type = null;
        if (_count == 0 && _entries.Length < t_lastCount)
        {
            _entries = new Entry[t_lastCount];
        }

        var position = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = FieldName(ref reader, position++);
            reader.Read();
            switch (reader.TokenType)
            {
                case JsonTokenType.String:
                    Set(name, reader.GetString());
                    break;
                case JsonTokenType.Number:
                    Set(name, Number(ref reader));
                    break;
                case JsonTokenType.True:
                    Set(name, True);
                    break;
                case JsonTokenType.False:
                    Set(name, False);
                    break;
                case JsonTokenType.Null:
                    Set(name, null);
                    break;
                case JsonTokenType.StartObject when name == "attributes":
                    type = ReadType(ref reader) ?? type;
                    break;
                default:
                    Set(name, JsonNode.Parse(ref reader));
                    break;
            }
        }

        t_lastCount = _count;
        return type;
    }

    /// <summary>Takes the fields of <paramref name="json"/> (which is emptied): values become plain values again, other nodes move over.</summary>
    public void Take(JsonObject json)
    {
        var properties = json.ToArray();
        json.Clear();
        foreach (var (name, node) in properties)
        {
            Set(name, node is JsonValue value ? Plain(value) : node);
        }
    }

    /// <summary>A field value from what a caller set through the indexer: a copy if it belongs to something else.</summary>
    public static object? FromNode(JsonNode? node) => node?.Parent is null ? node : node.DeepClone();

    private static object? Plain(JsonValue value) => value.GetValueKind() switch
    {
        JsonValueKind.String when value.TryGetValue<string>(out var text) => text,
        JsonValueKind.True => True,
        JsonValueKind.False => False,
        JsonValueKind.Number => ParseNumber(Encoding.UTF8.GetBytes(value.ToJsonString())),
        _ => value,
    };

    public static JsonNode ToNode(object value)
    {
        // Nodes parsed from JSON read as more types (a date from text, an int from a number) than JsonValue.Create's do,
        // and the record's values were parsed from JSON before it kept them plain.
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteValue(writer, value);
        }

        return JsonNode.Parse(buffer.WrittenSpan)!;
    }

    private static void WriteStripped(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject json:
                writer.WriteStartObject();
                foreach (var (name, value) in json)
                {
                    if (name == "attributes")
                    {
                        continue;
                    }

                    writer.WritePropertyName(name);
                    WriteStripped(writer, value);
                }

                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                {
                    WriteStripped(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }

    private static string? ReadType(ref Utf8JsonReader reader)
    {
        string? type = null;
        var depth = reader.CurrentDepth;
        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth))
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == depth + 1 && reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                type = reader.TokenType == JsonTokenType.String ? SharedText(ref reader) : type;
            }
        }

        return type;
    }

    private static object Number(ref Utf8JsonReader reader)
    {
        if (!reader.HasValueSequence)
        {
            return ParseNumber(reader.ValueSpan);
        }

        return ParseNumber(reader.ValueSequence.ToArray());
    }

    private static object ParseNumber(ReadOnlySpan<byte> utf8)
    {
        // A decimal writes back the digits it was read from (1500000.0 stays 1500000.0); exponents and more digits than
        // it holds keep their text.
        if (utf8.IndexOfAny("eE"u8) < 0 && Utf8Parser.TryParse(utf8, out decimal number, out var consumed) && consumed == utf8.Length)
        {
            return number;
        }

        return new NumberText(Encoding.UTF8.GetString(utf8));
    }

    private void Hold(string name, JsonNode node)
    {
        _nodes ??= [];
        _nodes[name] = node;
    }

    private void Append(string name, object? value)
    {
        if (_count == _entries.Length)
        {
            Array.Resize(ref _entries, _count * 2);
        }

        _entries[_count] = new Entry(name, value);
        _index?.Add(name, _count);
        _count++;
    }

    private int IndexOf(string name)
    {
        if (_count > ScanLimit)
        {
            if (_index is null)
            {
                _index = new Dictionary<string, int>(_count * 2, StringComparer.Ordinal);
                for (var i = 0; i < _count; i++)
                {
                    _index[_entries[i].Name] = i;
                }
            }

            return _index.TryGetValue(name, out var found) ? found : -1;
        }

        var entries = _entries.AsSpan(0, _count);
        for (var i = 0; i < entries.Length; i++)
        {
            var candidate = entries[i].Name;
            if (candidate.Length == name.Length && (ReferenceEquals(candidate, name) || candidate.AsSpan().SequenceEqual(name)))
            {
                return i;
            }
        }

        return -1;
    }

    // Field names repeat on every record of a query and every warm read: one string per name, not one per record. The
    // cache is looked up by the name's UTF-8 bytes where the reader has them (no transcoding, no string hashing): a
    // fixed table of slots, each holding the last name whose hash landed there, replaced on a collision.
    private static readonly SharedName?[] Names = new SharedName?[1024];

    private sealed class SharedName(byte[] utf8, string text)
    {
        public byte[] Utf8 { get; } = utf8;

        public string Text { get; } = text;
    }

    // Records read one after another have their fields in the same order: the name at a position is first compared with
    // the one the previous record had there, which is cheaper than hashing it.
    [ThreadStatic]
    private static SharedName?[]? t_byPosition;

    private static string FieldName(ref Utf8JsonReader reader, int position)
    {
        var byPosition = t_byPosition ??= new SharedName?[64];
        if (position < byPosition.Length && !reader.ValueIsEscaped && !reader.HasValueSequence
            && byPosition[position] is { } previous && reader.ValueSpan.SequenceEqual(previous.Utf8))
        {
            return previous.Text;
        }

        var name = Share(ref reader, out var shared);
        if (position < byPosition.Length && shared is not null)
        {
            byPosition[position] = shared;
        }

        return name;
    }

    /// <summary>The string at the reader (a property name or a string value), shared with earlier reads of the same short text.</summary>
    private static string SharedText(ref Utf8JsonReader reader) => Share(ref reader, out _);

    private static string Share(ref Utf8JsonReader reader, out SharedName? shared)
    {
        shared = null;
        if (reader.ValueIsEscaped || reader.HasValueSequence || reader.ValueSpan.Length is 0 or > 80)
        {
            return reader.GetString()!;
        }

        var utf8 = reader.ValueSpan;
        var hash = 2166136261u;
        foreach (var b in utf8)
        {
            hash = (hash ^ b) * 16777619u;
        }

        ref var slot = ref Names[hash & (uint)(Names.Length - 1)];
        shared = Volatile.Read(ref slot);
        if (shared is not null && utf8.SequenceEqual(shared.Utf8))
        {
            return shared.Text;
        }

        shared = new SharedName(utf8.ToArray(), Encoding.UTF8.GetString(utf8));
        Volatile.Write(ref slot, shared);
        return shared.Text;
    }

    // Records read one after another usually have the same fields (a query's page): the next starts with room for them.
    [ThreadStatic]
    private static int t_lastCount;

    private struct Entry(string name, object? value)
    {
        public readonly string Name = name;
        public object? Value = value;
    }
}

/// <summary>A JSON number kept as its text: one with an exponent, or more digits than a <see cref="decimal"/> holds.</summary>
internal sealed class NumberText(string text)
{
    public string Text { get; } = text;

    public override string ToString() => Text;

    public bool TryGetDecimal(out decimal value) => decimal.TryParse(Text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
}
