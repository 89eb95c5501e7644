using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace Forcelink.Operations;

/// <summary>
/// An operation as a caller sends it (a Lambda event, an SQS message body, a CLI <c>invoke</c> file), before validation:
/// <c>{"operation":"create","object":"Lead","fields":{"LastName":"Doe","Company":"Acme"}}</c>. Immutable: adapters build
/// one with an object initializer or change one with <c>with { ... }</c>; <see cref="TryValidate"/> turns it into an
/// <see cref="Operation"/>. Members whose JSON type varies by operation (<c>fields</c> is an object for writes, a list
/// for reads) are <see cref="JsonNode"/>s, checked by <see cref="TryValidate"/>.
/// </summary>
public sealed partial record OperationRequest
{
    /// <summary>The largest request accepted, in bytes.</summary>
    public const int MaxSize = 256 * 1024;

    /// <summary>The most records a <c>find</c> may return.</summary>
    public const int MaxLimit = 2000;

    /// <summary>The records a <c>find</c> returns when it names no limit.</summary>
    public const int DefaultLimit = 100;

    /// <summary><c>operation</c>: create, get, find, update, upsert or delete (any case).</summary>
    [JsonPropertyName("operation")]
    public string? OperationName { get; init; }

    /// <summary><c>object</c>: the sObject's API name, such as <c>Lead</c>.</summary>
    [JsonPropertyName("object")]
    public string? ObjectName { get; init; }

    /// <summary><c>id</c>: the record id of a get, update or delete.</summary>
    [JsonPropertyName("id")]
    public string? Id { get; init; }

    /// <summary><c>fields</c>: field values (an object) for create, update and upsert; field names (a list) for get and find.</summary>
    [JsonPropertyName("fields")]
    public JsonNode? Fields { get; init; }

    /// <summary><c>externalIdField</c>: the external id field of an upsert.</summary>
    [JsonPropertyName("externalIdField")]
    public string? ExternalIdField { get; init; }

    /// <summary><c>externalId</c>: the external id value of an upsert, a string or a number.</summary>
    [JsonPropertyName("externalId")]
    public JsonNode? ExternalId { get; init; }

    /// <summary><c>where</c>: the field values a find matches (an object; a list value means any of).</summary>
    [JsonPropertyName("where")]
    public JsonNode? Where { get; init; }

    /// <summary><c>limit</c>: the most records a find returns; <see cref="DefaultLimit"/> when absent.</summary>
    [JsonPropertyName("limit")]
    public JsonNode? Limit { get; init; }

    /// <summary><c>file</c>: the file an attach uploads, <c>{"name":"screenshot.png","content":"&lt;base64&gt;","title":...,"description":...}</c>.</summary>
    [JsonPropertyName("file")]
    public JsonNode? File { get; init; }

    /// <summary>The largest file an <c>attach</c> uploads, in bytes: its base64 must fit in a request of <see cref="MaxSize"/>,
    /// the one limit of every event source. Larger files go through <see cref="SalesforceClient.UploadFileAsync"/>.</summary>
    public const int MaxAttachmentBytes = 190 * 1024;

    /// <summary><c>idempotencyKey</c>: a create's key (1 to 256 characters), so that a repeat is answered instead of run again.</summary>
    [JsonPropertyName("idempotencyKey")]
    public string? IdempotencyKey { get; init; }

    /// <summary>
    /// Reads a request from JSON bytes: the one way in for text, refusing what is larger than <see cref="MaxSize"/>, not a
    /// JSON object, malformed (<see cref="FindJsonProblem"/>) or has a member of the wrong type.
    /// </summary>
    /// <returns>True with the request; false with a 400 result saying what is wrong.</returns>
    public static bool TryParse(ReadOnlySpan<byte> json, [NotNullWhen(true)] out OperationRequest? request, [NotNullWhen(false)] out OperationResult? error)
    {
        request = null;
        if (json.Length > MaxSize)
        {
            error = OperationResult.Invalid($"The request has {json.Length:N0} bytes; at most {MaxSize:N0} are accepted. Split it into several operations.");
            return false;
        }

        if (FindJsonProblem(json) is { } problem)
        {
            error = OperationResult.Invalid($"The request is not valid JSON: {problem}");
            return false;
        }

        return TryParseChecked(json, out request, out error);
    }

    /// <summary>As <see cref="TryParse"/>, for bytes <see cref="FindJsonProblem"/> already found nothing wrong with (the function
    /// checks a whole event once, before it knows the event is a request).</summary>
    internal static bool TryParseChecked(ReadOnlySpan<byte> json, [NotNullWhen(true)] out OperationRequest? request, [NotNullWhen(false)] out OperationResult? error)
    {
        request = null;
        if (json.Length > MaxSize)
        {
            error = OperationResult.Invalid($"The request has {json.Length:N0} bytes; at most {MaxSize:N0} are accepted. Split it into several operations.");
            return false;
        }

        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            error = OperationResult.Invalid("The request must be a JSON object such as {\"operation\":\"get\",\"object\":\"Lead\",\"id\":\"00Q...\"}.");
            return false;
        }

        try
        {
            request = JsonSerializer.Deserialize(json, OperationJsonContext.Default.OperationRequest)!;
            error = null;
            return true;
        }
        catch (JsonException e)
        {
            // Only a member of the wrong type gets here (the bytes were checked above): say which, as validation would.
            var member = e.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : null;
            error = OperationResult.Invalid(member switch
            {
                "idempotencyKey" => "'idempotencyKey' must be a string of 1 to 256 characters.",
                "operation" or "object" or "id" or "externalIdField" => $"'{member}' must be a non-empty string.",
                _ => $"The request is not valid: {e.Message}",
            });
            return false;
        }
    }

    /// <summary>The request as JSON, as a caller would send it.</summary>
    public string ToJsonString() => JsonSerializer.Serialize(this, OperationJsonContext.Default.OperationRequest);

    /// <summary>
    /// What makes JSON bytes unfit to read as a request or an event, checked before anything reads them: malformed JSON,
    /// bytes that are not UTF-8, an escape that is no Unicode text (a lone surrogate), a key given twice in one object.
    /// </summary>
    /// <returns>What is wrong and where, as a sentence; null if nothing is.</returns>
    public static string? FindJsonProblem(ReadOnlySpan<byte> json)
    {
        // The reader does not check the bytes inside strings: they would fail later, where they are read, as exceptions.
        if (!Utf8.IsValid(json))
        {
            return $"byte {FirstInvalidUtf8(json):N0} is not UTF-8; send the JSON as UTF-8 text.";
        }

        return IsPlainlySound(json) ? null : DescribeJsonProblem(json);
    }

    /// <summary>
    /// Whether the JSON is well formed with no key twice in an object, checked without allocating: keys are compared
    /// where they lie in <paramref name="json"/>. Anything it cannot settle that way (an escaped key, an object of more
    /// than 32 keys, a problem to describe) it leaves to <see cref="DescribeJsonProblem"/>, which names keys and paths
    /// and took a tenth of a warm read's allocations when it checked every event.
    /// </summary>
    private static bool IsPlainlySound(ReadOnlySpan<byte> json)
    {
        const int MaxKeys = 32;
        var reader = new Utf8JsonReader(json);
        Span<int> objectStarts = stackalloc int[65];
        Span<(int Start, int Length)> keys = stackalloc (int, int)[MaxKeys * 4];
        var depth = 0;
        var count = 0;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        if (reader.ValueIsEscaped || reader.HasValueSequence)
                        {
                            return false;
                        }

                        var name = reader.ValueSpan;
                        var first = objectStarts[depth - 1];
                        if (count - first >= MaxKeys || count == keys.Length)
                        {
                            return false;
                        }

                        for (var i = first; i < count; i++)
                        {
                            if (json.Slice(keys[i].Start, keys[i].Length).SequenceEqual(name))
                            {
                                return false;
                            }
                        }

                        keys[count++] = ((int)reader.TokenStartIndex + 1, name.Length);
                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        objectStarts[depth++] = count;
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        count = objectStarts[--depth];
                        break;
                    case JsonTokenType.String when reader.ValueIsEscaped:
                        _ = reader.GetString();
                        break;
                }
            }

            return true;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    private static string? DescribeJsonProblem(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        var frames = new List<JsonFrame>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        var name = reader.GetString()!;
                        var frame = frames[^1];
                        if (!frame.Names!.Add(name))
                        {
                            return $"the key '{Truncate(JsonFrame.Path(frames, name))}' appears twice; give each key once.";
                        }

                        frame.Key = name;
                        continue;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        frames.Add(new JsonFrame(frames.Count == 0 ? null : frames[^1].Current(), reader.TokenType == JsonTokenType.StartObject));
                        continue;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        frames.RemoveAt(frames.Count - 1);
                        break;
                    case JsonTokenType.String when reader.ValueIsEscaped:
                        _ = reader.GetString();
                        break;
                }

                if (frames.Count > 0)
                {
                    frames[^1].Index++;
                }
            }
        }
        catch (JsonException e)
        {
            return e.Message;
        }
        catch (InvalidOperationException e)
        {
            var what = reader.TokenType == JsonTokenType.PropertyName
                ? frames[^1].Label is { } label ? $"a key in '{Truncate(label)}'" : "a key"
                : frames.Count == 0 ? "the string" : $"the string at '{Truncate(JsonFrame.Path(frames, null))}'";
            return $"{what} is not Unicode text ({e.Message}).";
        }

        return null;
    }

    private static readonly JsonDocumentOptions StrictDocument = new() { AllowDuplicateProperties = false };

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> json)
    {
        var offset = 0;
        while (offset < json.Length && Rune.DecodeFromUtf8(json[offset..], out _, out var consumed) == OperationStatus.Done)
        {
            offset += consumed;
        }

        return offset;
    }

    // An object or array being read, for naming where a problem is: where.Email, Records[2].body.
    private sealed class JsonFrame(string? label, bool isObject)
    {
        public HashSet<string>? Names { get; } = isObject ? new(StringComparer.Ordinal) : null;

        public string? Key { get; set; }

        public int Index { get; set; }

        public string? Label { get; } = label;

        // The label of the value being read in this frame.
        public string Current() => Names is null ? $"{Label}[{Index}]" : Key is null ? Label ?? "" : Label is null ? Key : $"{Label}.{Key}";

        public static string Path(List<JsonFrame> frames, string? name)
        {
            var current = frames[^1];
            return name is null ? current.Current() : current.Label is null ? name : $"{current.Label}.{name}";
        }
    }

    /// <summary>Checks the request against Salesforce's shapes and the policy, reporting every problem together.</summary>
    /// <returns>True with the operation; false with a result with status 400 (malformed) or 403 (not allowed by the policy).</returns>
    public bool TryValidate(OperationPolicy policy, [NotNullWhen(true)] out Operation? operation, [NotNullWhen(false)] out OperationResult? error)
    {
        (operation, error) = Validate(policy);
        return operation is not null;
    }

    private (Operation? Operation, OperationResult? Error) Validate(OperationPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var errors = new List<string>();
        var fieldsInError = new List<string>();
        var forbidden = new Refusals();

        var kindText = RequiredString(OperationName, "operation", errors);
        OperationKind kind = default;
        if (kindText is not null && !TryParseKind(kindText, out kind))
        {
            errors.Add($"'operation' is '{kindText}'; use one of create, get, find, update, upsert, delete, attach.");
            kindText = null;
        }

        var objectText = RequiredString(ObjectName, "object", errors);
        OperationPolicy.ObjectRule? rule = null;
        if (objectText is not null)
        {
            if (!policy.TryGetObject(objectText, out var found))
            {
                forbidden.Add($"The object '{objectText}' is not allowed; allowed: {string.Join(", ", policy.Objects)}.");
                forbidden.Rule = Forcelink.Soql.SoqlIdentifier.IsValid(objectText) && !objectText.Contains('.', StringComparison.Ordinal)
                    ? OperationPolicy.RuleExample(objectText, kindText is null ? null : kind)
                    : null;
            }
            else
            {
                rule = found;
                if (kindText is not null && !rule.Kinds.Contains(kind))
                {
                    forbidden.Add($"The operation '{kindText}' is not allowed on {rule.Name}; allowed: {string.Join(", ", rule.Kinds.Select(k => k.ToString().ToLowerInvariant()))}.");
                    forbidden.Kind = kind;
                }
            }
        }

        if (kindText is null || objectText is null)
        {
            return Failure(errors, forbidden, fieldsInError, rule);
        }

        // An object the policy does not allow still has its request checked for shape, against a rule that allows
        // any field: a malformed request is answered 400 whatever the policy says.
        var shape = rule ?? new OperationPolicy.ObjectRule(objectText, [], [], AnyField: true);
        Operation? operation = kind switch
        {
            OperationKind.Create => ValidFields(shape, errors, forbidden, fieldsInError) is { } f ? new CreateOperation(shape.Name, f, OptionalString(IdempotencyKey, "idempotencyKey", errors)) : null,
            OperationKind.Get => ValidId(errors) is { } id ? new GetOperation(shape.Name, id, FieldList(shape, errors, forbidden, required: false)) : null,
            OperationKind.Update => (ValidId(errors), ValidFields(shape, errors, forbidden, fieldsInError)) is ({ } id, { } f) ? new UpdateOperation(shape.Name, id, f) : null,
            OperationKind.Delete => ValidId(errors) is { } id ? new DeleteOperation(shape.Name, id) : null,
            OperationKind.Upsert => Upsert(shape, errors, forbidden, fieldsInError),
            OperationKind.Find => Find(shape, errors, forbidden),
            OperationKind.Attach => (ValidId(errors), Attachment(errors)) is ({ } id, { } file) ? new AttachOperation(shape.Name, id, file.Name, file.Content, file.Title, file.Description) : null,
            _ => null,
        };

        return errors.Count > 0 || forbidden.Count > 0 || operation is null ? Failure(errors, forbidden, fieldsInError, rule) : (operation, null);
    }

    // Exactly a name, in any case: Enum.TryParse would also take " get", "1" and "create,get" (which is Get).
    internal static bool TryParseKind(string text, out OperationKind kind)
    {
        // Names only: Enum.TryParse would also take numbers and comma-separated lists.
        for (var i = 0; i < KindNames.Length; i++)
        {
            if (KindNames[i].Equals(text, StringComparison.OrdinalIgnoreCase))
            {
                kind = KindValues[i];
                return true;
            }
        }

        kind = default;
        return false;
    }

    // In the same order: both sorted by value.
    private static readonly string[] KindNames = Enum.GetNames<OperationKind>();
    private static readonly OperationKind[] KindValues = Enum.GetValues<OperationKind>();

    // A refusal names the setting that decides it, and a rule for it that would allow the request: the administrator
    // who reads it needs nothing else to change the policy, or to decide not to.
    private static (Operation?, OperationResult?) Failure(List<string> errors, Refusals forbidden, List<string> fields, OperationPolicy.ObjectRule? rule) =>
        (null, errors.Count > 0
            ? OperationResult.Invalid(string.Join(" ", errors.Concat(forbidden)), fields)
            : OperationResult.Failure(403, "FORBIDDEN", string.Join(" ", forbidden)
                + " FORCELINK_POLICY decides what callers may use (docs/policy.md)"
                + ((forbidden.Rule ?? rule?.Example(forbidden.Kind, forbidden.Fields)) is { } example
                    ? $"; this rule in it would allow the request: {example}"
                    : ", and names only sObject API names."), fields));

    // What the policy refused: the sentences, and what a rule allowing the request would add.
    private sealed class Refusals : List<string>
    {
        public string? Rule { get; set; }

        public OperationKind? Kind { get; set; }

        public List<string> Fields { get; } = [];

        public void Field(OperationPolicy.ObjectRule rule, string name)
        {
            Add($"The field '{name}' of {rule.Name} is not allowed.");
            Fields.Add(name);
        }
    }

    private static string? RequiredString(string? value, string name, List<string> errors)
    {
        switch (value)
        {
            case null:
                errors.Add($"'{name}' is required.");
                return null;
            case var s when !string.IsNullOrWhiteSpace(s):
                return s;
            default:
                errors.Add($"'{name}' must be a non-empty string.");
                return null;
        }
    }

    private static string? OptionalString(string? value, string name, List<string> errors)
    {
        switch (value)
        {
            case null:
                return null;
            case { Length: > 0 and <= 256 }:
                return value;
            default:
                errors.Add($"'{name}' must be a string of 1 to 256 characters.");
                return null;
        }
    }

    private string? ValidId(List<string> errors)
    {
        var id = RequiredString(Id, "id", errors);
        if (id is not null && !SalesforceNames.IsId(id))
        {
            errors.Add($"'id' is '{Truncate(id)}', which is not a Salesforce record id (15 or 18 letters and digits, such as 00Q5e00000AbCdEEAV).");
            return null;
        }

        return id;
    }

    private JsonObject? ValidFields(OperationPolicy.ObjectRule rule, List<string> errors, Refusals forbidden, List<string> fieldsInError)
    {
        if (Fields is not JsonObject fields)
        {
            errors.Add(Fields is null
                ? "'fields' is required: an object of field names and values, such as {\"LastName\":\"Doe\"}."
                : "'fields' must be an object of field names and values, such as {\"LastName\":\"Doe\"}.");
            return null;
        }

        if (fields.Count == 0)
        {
            errors.Add("'fields' is empty: give at least one field.");
            return null;
        }

        var copy = new JsonObject();
        foreach (var (name, value) in fields)
        {
            if (!IsFieldName(name))
            {
                errors.Add($"'{Truncate(name)}' in 'fields' is not a field API name.");
                fieldsInError.Add(name);
            }
            else if (name.Equals("Id", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add("'fields' must not contain Id: give it as 'id'.");
                fieldsInError.Add(name);
            }
            else
            {
                // A value is checked whether or not the field is allowed: a malformed request is answered as one
                // (400), whatever the policy says, as the contract's schema says.
                var allowed = rule.Allows(name);
                if (!allowed)
                {
                    forbidden.Field(rule, name);
                }

                var problem = value is JsonObject or JsonArray ? $"The value of '{name}' must be a string, number, boolean or null." : NumberOutOfRange(value, $"fields.{name}");
                if (problem is not null)
                {
                    errors.Add(problem);
                }

                if (!allowed || problem is not null)
                {
                    fieldsInError.Add(name);
                }
                else
                {
                    copy[name] = value?.DeepClone();
                }
            }
        }

        return copy;
    }

    private List<string>? FieldList(OperationPolicy.ObjectRule rule, List<string> errors, Refusals forbidden, bool required)
    {
        if (Fields is null)
        {
            return required ? [.. rule.ReadableFields] : rule.AnyField ? null : [.. rule.ReadableFields];
        }

        if (Fields is not JsonArray array || array.Count == 0)
        {
            errors.Add("'fields' must be a non-empty list of field names, such as [\"Id\",\"Name\",\"Email\"].");
            return null;
        }

        var names = new List<string>();
        foreach (var item in array)
        {
            if (item is not JsonValue v || !v.TryGetValue<string>(out var name) || !IsFieldName(name))
            {
                errors.Add($"'{Truncate(item?.ToJsonString() ?? "null")}' in 'fields' is not a field API name.");
            }
            else if (!rule.Allows(name))
            {
                forbidden.Field(rule, name);
            }
            else if (!names.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                names.Add(name);
            }
        }

        return names;
    }

    private UpsertOperation? Upsert(OperationPolicy.ObjectRule rule, List<string> errors, Refusals forbidden, List<string> fieldsInError)
    {
        var field = RequiredString(ExternalIdField, "externalIdField", errors);
        if (field is not null && !IsFieldName(field))
        {
            errors.Add($"'externalIdField' is '{Truncate(field)}', which is not a field API name.");
            field = null;
        }
        else if (field is not null && !rule.Allows(field))
        {
            forbidden.Field(rule, field);
        }

        string? value = ExternalId switch
        {
            JsonValue v when v.TryGetValue<string>(out var s) && s.Length > 0 => s,
            JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.ToJsonString(),
            null => null,
            _ => null,
        };
        if (NumberOutOfRange(ExternalId, "externalId") is { } outOfRange)
        {
            errors.Add(outOfRange);
            value = null;
        }
        else if (value is null)
        {
            errors.Add("'externalId' is required: the external id value, as a string or number.");
        }

        var fields = ValidFields(rule, errors, forbidden, fieldsInError);
        return field is not null && value is not null && fields is not null ? new UpsertOperation(rule.Name, field, value, fields) : null;
    }

    private (string Name, ReadOnlyMemory<byte> Content, string? Title, string? Description)? Attachment(List<string> errors)
    {
        var before = errors.Count;
        const string Shape = "{\"name\":\"screenshot.png\",\"content\":\"<the file's bytes in base64>\"}";
        if (File is not JsonObject file)
        {
            errors.Add($"'file' is required: an object such as {Shape}.");
            return null;
        }

        string? Text(string name, int maxLength, bool required)
        {
            switch (file[name])
            {
                case null when !required:
                    return null;
                case JsonValue v when v.TryGetValue<string>(out var s) && !string.IsNullOrWhiteSpace(s) && s.Length <= maxLength:
                    return s;
                default:
                    errors.Add($"'file.{name}' must be a non-empty string of at most {maxLength:N0} characters{(required ? $", as in {Shape}" : "")}.");
                    return null;
            }
        }

        var name = Text("name", 255, required: true);
        if (name is not null && (name.IndexOfAny(['/', '\\']) >= 0 || name is "." or ".."))
        {
            errors.Add($"'file.name' is '{Truncate(name)}': give the file's name without a directory, such as screenshot.png.");
            name = null;
        }

        var title = Text("title", 255, required: false);
        var description = Text("description", 1000, required: false);
        ReadOnlyMemory<byte>? content = null;
        if (file["content"] is JsonValue c && c.TryGetValue<string>(out var base64))
        {
            var buffer = new byte[base64.Length / 4 * 3 + 3];
            if (base64.AsSpan().IndexOfAny(" \t\r\n") >= 0 || !Convert.TryFromBase64String(base64, buffer, out var length))
            {
                errors.Add("'file.content' is not base64: send the file's bytes base64-encoded (RFC 4648, with padding, no line breaks).");
            }
            else if (length == 0)
            {
                errors.Add("'file.content' is empty: Salesforce keeps no empty files.");
            }
            else if (length > MaxAttachmentBytes)
            {
                errors.Add($"'file.content' holds {length:N0} bytes; an attach takes at most {MaxAttachmentBytes:N0} (its base64 must fit in a {MaxSize:N0}-byte event). " +
                    "Upload larger files with 'forcelink file upload' or SalesforceClient.UploadFileAsync, which stream files of any size.");
            }
            else
            {
                content = buffer.AsMemory(0, length);
            }
        }
        else
        {
            errors.Add($"'file.content' is required: the file's bytes in base64, as in {Shape}.");
        }

        return errors.Count == before ? (name!, content!.Value, title, description) : null;
    }

    private FindOperation? Find(OperationPolicy.ObjectRule rule, List<string> errors, Refusals forbidden)
    {
        var where = new Dictionary<string, JsonNode?>(StringComparer.OrdinalIgnoreCase);
        if (Where is not JsonObject conditions || conditions.Count == 0)
        {
            errors.Add("'where' is required: an object of field names and the values they must equal, such as {\"Email\":\"doe@example.com\"}.");
        }
        else
        {
            foreach (var (name, value) in conditions)
            {
                if (!IsFieldName(name))
                {
                    errors.Add($"'{Truncate(name)}' in 'where' is not a field API name.");
                }
                else
                {
                    // As in Fields: the value is checked whether or not the field is allowed.
                    var allowed = rule.Allows(name);
                    if (!allowed)
                    {
                        forbidden.Field(rule, name);
                    }

                    var problem = value is JsonObject || (value is JsonArray list && (list.Count == 0 || list.Any(i => i is JsonObject or JsonArray)))
                        ? $"The value of '{name}' in 'where' must be a string, number, boolean, null, or a non-empty list of those."
                        : (value is JsonArray items ? items.Select((item, i) => NumberOutOfRange(item, $"where.{name}[{i}]")) : [NumberOutOfRange(value, $"where.{name}")])
                            .FirstOrDefault(e => e is not null);
                    if (problem is not null)
                    {
                        errors.Add(problem);
                    }
                    else if (allowed)
                    {
                        where[name] = value?.DeepClone();
                    }
                }
            }
        }

        var limit = DefaultLimit;
        if (Limit is { } limitNode)
        {
            // A whole number written with a fraction or exponent (10.0, 1e3) is one: JSON Schema's integer says so too.
            if (limitNode is JsonValue v && v.GetValueKind() == JsonValueKind.Number
                && decimal.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var n)
                && n == decimal.Truncate(n) && n is >= 1 and <= MaxLimit)
            {
                limit = (int)n;
            }
            else
            {
                errors.Add($"'limit' must be a whole number from 1 to {MaxLimit}; it is {Truncate(limitNode.ToJsonString())}.");
            }
        }

        var fields = FieldList(rule, errors, forbidden, required: true);
        return fields is not null ? new FindOperation(rule.Name, where, fields, limit) : null;
    }

    // Salesforce's numbers are decimals of at most 18 digits: a number System.Decimal cannot hold (1e30, 1e400) is no
    // value Salesforce accepts, and refused here it cannot fail later, where values are converted.
    private static string? NumberOutOfRange(JsonNode? value, string path) =>
        value is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            && !decimal.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            ? $"'{Truncate(path)}': {Truncate(v.ToJsonString())} is outside the range of numbers Salesforce accepts (magnitudes below 7.9e28)."
            : null;

    private static bool IsFieldName(string name) => SalesforceNames.IsApiName(name);

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
