using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Forcelink.Tests.Lambda;

/// <summary>
/// Valid direct, HTTP API and SQS events, mutated at random: truncated, a byte flipped, bytes that are not UTF-8, lone
/// surrogate escapes, a key twice, values of other types, extreme numbers, deep nesting, long strings, removed fields,
/// base64 noise; and what an answer must look like for its event's kind.
/// </summary>
internal static class EventFuzzer
{
    private static readonly string[] DirectSeeds =
    [
        """{"operation":"get","object":"Lead","id":"00Q000000000001AAA","fields":["LastName","Email"]}""",
        """{"operation":"find","object":"Lead","where":{"Email":"doe@example.com","NumberOfEmployees":[10,20.5]},"fields":["Id","LastName"],"limit":5}""",
        """{"operation":"create","object":"Lead","fields":{"LastName":"Doe","Company":"Acme","AnnualRevenue":1000.5},"idempotencyKey":"k-1"}""",
        """{"operation":"update","object":"Case","id":"500000000000001AAA","fields":{"Subject":"Printer","Status":"New"}}""",
        """{"operation":"upsert","object":"Lead","externalIdField":"Email","externalId":"doe@example.com","fields":{"LastName":"Doe"}}""",
        """{"operation":"delete","object":"Lead","id":"00Q000000000001AAA"}""",
    ];

    private static readonly (string Method, string Path, string? Query, string? Body)[] HttpSeeds =
    [
        ("GET", "/leads", """{"email":"doe@example.com","limit":"5","fields":"Id,LastName"}""", null),
        ("GET", "/prod/leads/00Q000000000001AAA", """{"fields":"LastName"}""", null),
        ("POST", "/leads", null, """{"LastName":"Doe","Company":"Acme","NumberOfEmployees":12}"""),
        ("PATCH", "/cases/500000000000001AAA", null, """{"Subject":"Printer"}"""),
        ("DELETE", "/leads/00Q000000000001AAA", null, null),
    ];

    private static readonly string[] ExtremeNumbers =
        ["1e30", "1e400", "-1e400", "1e-400", "79228162514264337593543950336", "-79228162514264337593543950335", "0.00000000000000000000000000001", "1E+308", "-0", "123456789012345678901234567890", "9007199254740993", "2147483648"];

    private static readonly byte[][] InvalidUtf8 = [[0xFF], [0x80], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0xF4, 0x90, 0x80, 0x80], [0xC3, 0x28]];

    internal enum Kind
    {
        Direct,
        Http,
        Sqs,
    }

    /// <summary>A valid event of a random kind, mutated up to three times (some not at all).</summary>
    public static byte[] Generate(Random random)
    {
        var kind = (Kind)random.Next(3);
        var mutations = random.Next(4);
        switch (kind)
        {
            case Kind.Direct:
                return Mutate(random, Write(random, Tree(random, DirectSeeds[random.Next(DirectSeeds.Length)]), mutations), mutations);
            case Kind.Http:
                var (method, path, query, body) = HttpSeeds[random.Next(HttpSeeds.Length)];
                var base64 = body is not null && random.Next(3) == 0;
                var http = new JsonObject
                {
                    ["version"] = "2.0",
                    ["routeKey"] = "$default",
                    ["rawPath"] = path,
                    ["headers"] = new JsonObject { ["content-type"] = "application/json", ["idempotency-key"] = "idem-1" },
                    ["requestContext"] = new JsonObject { ["requestId"] = "r-1", ["timeEpoch"] = 1587481701067, ["http"] = new JsonObject { ["method"] = method, ["path"] = path } },
                    ["pathParameters"] = new JsonObject { ["id"] = "00Q000000000001AAA" },
                    ["body"] = "@BODY@",
                    ["isBase64Encoded"] = base64,
                };
                if (query is not null)
                {
                    http["queryStringParameters"] = JsonNode.Parse(query);
                }

                var inner = body is null ? [] : Mutate(random, Write(random, Tree(random, body), mutations / 2), mutations / 2);
                var text = base64 ? Base64(random, inner) : inner;
                return Mutate(random, Embed(Write(random, Tree(random, http), mutations - (mutations / 2)), text), mutations - (mutations / 2));
            default:
                var records = new List<byte[]>();
                var count = 1 + random.Next(4);
                for (var r = 0; r < count; r++)
                {
                    var record = new JsonObject
                    {
                        ["messageId"] = $"m-{r}",
                        ["receiptHandle"] = $"AQEB{r}",
                        ["body"] = "@BODY@",
                        ["attributes"] = new JsonObject { ["ApproximateReceiveCount"] = "1" },
                        ["eventSource"] = "aws:sqs",
                    };
                    var own = random.Next(count) == 0 ? mutations : 0;
                    var message = Mutate(random, Write(random, Tree(random, DirectSeeds[random.Next(DirectSeeds.Length)]), own), own);
                    records.Add(Embed(Write(random, Tree(random, record), random.Next(8) == 0 ? 1 : 0), message));
                }

                byte[] batch = [.. "{\"Records\":["u8, .. records.SelectMany((r, i) => i == 0 ? r : [(byte)',', .. r]), .. "]}"u8];
                return Mutate(random, batch, random.Next(6) == 0 ? 1 : 0);
        }
    }

    // The seed as a tree, with tree mutations: values removed, of other types, extreme numbers, deep, long.
    private static JsonNode Tree(Random random, JsonNode seed)
    {
        var tree = seed.DeepClone();
        var slots = Slots(tree).ToList();
        if (slots.Count == 0 || random.Next(2) == 0)
        {
            return tree;
        }

        var (parent, key, _) = slots[random.Next(slots.Count)];
        JsonNode? replacement = random.Next(7) switch
        {
            0 => null,
            1 => JsonNode.Parse(ExtremeNumbers[random.Next(ExtremeNumbers.Length)]),
            2 => new string((char)('a' + random.Next(26)), random.Next(1, 300_000)),
            3 => Deep(random, random.Next(2, 120)),
            4 => random.Next(4) switch { 0 => true, 1 => new JsonArray(1, "x"), 2 => new JsonObject { ["x"] = 1 }, _ => random.Next() },
            5 => "NaN",
            _ => "\u0001",
        };
        switch (parent)
        {
            case JsonObject obj when random.Next(4) == 0:
                obj.Remove((string)key);
                break;
            case JsonObject obj:
                obj[(string)key] = replacement;
                break;
            case JsonArray array:
                array[(int)key] = replacement;
                break;
        }

        return tree;
    }

    private static JsonNode Tree(Random random, string seed) => Tree(random, JsonNode.Parse(seed)!);

    private static IEnumerable<(JsonNode Parent, object Key, JsonNode? Value)> Slots(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj)
                {
                    yield return (obj, name, value);
                    foreach (var inner in value is null ? [] : Slots(value))
                    {
                        yield return inner;
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    yield return (array, i, array[i]);
                    foreach (var inner in array[i] is { } item ? Slots(item) : [])
                    {
                        yield return inner;
                    }
                }

                break;
        }
    }

    private static JsonNode Deep(Random random, int depth)
    {
        JsonNode node = "bottom";
        for (var i = 0; i < depth; i++)
        {
            node = random.Next(2) == 0 ? new JsonArray(node) : new JsonObject { ["d"] = node };
        }

        return node;
    }

    // Writes the tree; with a mutation to spare, one object's key is written twice.
    private static byte[] Write(Random random, JsonNode tree, int mutations)
    {
        var objects = Slots(tree).Select(s => s.Value).Prepend(tree).OfType<JsonObject>().Where(o => o.Count > 0).ToList();
        var twice = mutations > 0 && objects.Count > 0 && random.Next(3) == 0 ? objects[random.Next(objects.Count)] : null;
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { MaxDepth = 1_000, SkipValidation = true }))
        {
            WriteNode(writer, tree, twice, random);
        }

        return buffer.ToArray();
    }

    private static void WriteNode(Utf8JsonWriter writer, JsonNode? node, JsonObject? twice, Random random)
    {
        switch (node)
        {
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (name, value) in obj)
                {
                    writer.WritePropertyName(name);
                    WriteNode(writer, value, twice, random);
                }

                if (ReferenceEquals(obj, twice))
                {
                    var (name, value) = obj.ElementAt(random.Next(obj.Count));
                    writer.WritePropertyName(name);
                    WriteNode(writer, random.Next(2) == 0 ? value : "other", null, random);
                }

                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                {
                    WriteNode(writer, item, twice, random);
                }

                writer.WriteEndArray();
                break;
            case null:
                writer.WriteNullValue();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }

    // Byte mutations: truncated, a byte flipped, bytes that are not UTF-8, a lone surrogate escape, NaN, noise.
    private static byte[] Mutate(Random random, byte[] json, int mutations)
    {
        for (var m = 0; m < mutations && json.Length > 0; m++)
        {
            if (random.Next(3) != 0)
            {
                continue;
            }

            var at = AfterAQuote(random, json);
            json = random.Next(6) switch
            {
                0 => json[..random.Next(json.Length)],
                1 => Flip(random, json),
                2 => [.. json[..at], .. InvalidUtf8[random.Next(InvalidUtf8.Length)], .. json[at..]],
                3 => [.. json[..at], .. (random.Next(2) == 0 ? "\\ud800"u8 : "\\udc00\\u0041"u8), .. json[at..]],
                4 => [.. json[..at], .. "NaN"u8, .. json[at..]],
                _ => [.. json[..at], .. Enumerable.Range(0, random.Next(1, 8)).Select(_ => (byte)random.Next(256)), .. json[at..]],
            };
        }

        return json;
    }

    private static byte[] Flip(Random random, byte[] json)
    {
        var copy = json.ToArray();
        copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
        return copy;
    }

    // Mostly inside a string, where the reader does not look at the bytes.
    private static int AfterAQuote(Random random, byte[] json)
    {
        var quotes = json.Select((b, i) => (b, i)).Where(x => x.b == (byte)'"').Select(x => x.i + 1).ToList();
        return quotes.Count == 0 || random.Next(5) == 0 ? random.Next(json.Length + 1) : quotes[random.Next(quotes.Count)];
    }

    private static byte[] Base64(Random random, byte[] body) => random.Next(4) switch
    {
        0 => Encoding.ASCII.GetBytes(new string([.. Enumerable.Range(0, random.Next(1, 40)).Select(_ => "ABCxyz0189+/=!-_ "[random.Next(17)])])),
        1 => Encoding.ASCII.GetBytes(Convert.ToBase64String([.. Enumerable.Range(0, random.Next(1, 40)).Select(_ => (byte)random.Next(256))])),
        _ => Encoding.ASCII.GetBytes(Convert.ToBase64String(body)),
    };

    // The body goes into its string as raw bytes: what is not UTF-8 stays so, as it would in an event.
    private static byte[] Embed(byte[] envelope, byte[] body)
    {
        var placeholder = "\"@BODY@\""u8;
        var at = envelope.AsSpan().IndexOf(placeholder);
        if (at < 0)
        {
            return envelope;
        }

        var escaped = new List<byte>(body.Length + 16) { (byte)'"' };
        foreach (var b in body)
        {
            if (b is (byte)'"' or (byte)'\\')
            {
                escaped.AddRange([(byte)'\\', b]);
            }
            else if (b < 0x20)
            {
                escaped.AddRange(Encoding.ASCII.GetBytes($"\\u{b:x4}"));
            }
            else
            {
                escaped.Add(b);
            }
        }

        escaped.Add((byte)'"');
        return [.. envelope[..at], .. escaped, .. envelope[(at + placeholder.Length)..]];
    }

    /// <summary>What is wrong with the answer for the event's kind, told by the event's shape as Lambda sends it.</summary>
    public static string? ShapeProblem(byte[] json, ReadOnlySpan<byte> answer, bool salesforceRefusesAll)
    {
        JsonElement response;
        try
        {
            using var document = JsonDocument.Parse(answer.ToArray());
            response = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            return $"the answer is not JSON: {e.Message}";
        }

        if (response.ValueKind != JsonValueKind.Object)
        {
            return "the answer is not a JSON object";
        }

        return KindOf(json, out var messageIds) switch
        {
            Kind.Sqs => SqsProblem(response, messageIds, salesforceRefusesAll),
            Kind.Http => HttpProblem(response, salesforceRefusesAll),
            _ => ResultProblem(response, salesforceRefusesAll),
        };
    }

    private static Kind KindOf(byte[] json, out List<string?> messageIds)
    {
        messageIds = [];
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Kind.Direct;
            }

            foreach (var property in root.EnumerateObject())
            {
                if (Is(() => property.NameEquals("Records")) && property.Value.ValueKind == JsonValueKind.Array && property.Value.GetArrayLength() > 0
                    && property.Value[0].ValueKind == JsonValueKind.Object
                    && property.Value[0].EnumerateObject().Any(p => Is(() => p.NameEquals("eventSource") && p.Value.ValueKind == JsonValueKind.String && p.Value.ValueEquals("aws:sqs"))))
                {
                    foreach (var record in property.Value.EnumerateArray())
                    {
                        messageIds.Add(MessageId(record));
                    }

                    return Kind.Sqs;
                }
            }

            return root.TryGetProperty("version", out var version) && version.ValueKind == JsonValueKind.String && version.ValueEquals("2.0")
                && root.TryGetProperty("requestContext", out var context) && context.ValueKind == JsonValueKind.Object
                && context.TryGetProperty("http", out var http) && http.ValueKind == JsonValueKind.Object
                ? Kind.Http
                : Kind.Direct;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return Kind.Direct;
        }
    }

    // Text with an escape that is no Unicode text (a lone surrogate) cannot be compared: it is not the text looked for.
    private static bool Is(Func<bool> comparison)
    {
        try
        {
            return comparison();
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    // The record's one messageId, or null if it cannot name the record.
    private static string? MessageId(JsonElement record)
    {
        if (record.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var ids = record.EnumerateObject().Where(p => Is(() => p.NameEquals("messageId"))).ToList();
        try
        {
            return ids.Count == 1 && ids[0].Value.ValueKind == JsonValueKind.String && ids[0].Value.GetString() is { Length: > 0 } id ? id : null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    // A batch with a record that cannot be named fails whole; otherwise only message ids are named, and against a
    // Salesforce that refuses everything every one of them.
    private static string? SqsProblem(JsonElement response, List<string?> messageIds, bool salesforceRefusesAll)
    {
        if (!response.TryGetProperty("batchItemFailures", out var failures) || failures.ValueKind != JsonValueKind.Array)
        {
            return "an SQS answer without a batchItemFailures array";
        }

        var named = failures.EnumerateArray().Select(f => f.TryGetProperty("itemIdentifier", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null).ToList();
        if (messageIds.Contains(null))
        {
            return named is [""] ? null : "a batch with a record without a message id is not failed whole";
        }

        var expected = messageIds.Distinct().Order(StringComparer.Ordinal).ToList();
        var actual = named.Distinct().Order(StringComparer.Ordinal).ToList();
        return (salesforceRefusesAll ? expected.SequenceEqual(actual) : actual.All(expected.Contains))
            ? null
            : $"failures named {string.Join(",", actual)}, expected {(salesforceRefusesAll ? "" : "some of ")}{string.Join(",", expected)}";
    }

    private static string? HttpProblem(JsonElement response, bool salesforceRefusesAll)
    {
        if (!response.TryGetProperty("statusCode", out var status) || status.ValueKind != JsonValueKind.Number)
        {
            return "an HTTP answer without statusCode";
        }

        if (!response.TryGetProperty("body", out var body) || body.ValueKind != JsonValueKind.String)
        {
            return "an HTTP answer without a string body";
        }

        using var result = JsonDocument.Parse(body.GetString()!);
        return ResultProblem(result.RootElement, salesforceRefusesAll) ?? (result.RootElement.GetProperty("statusCode").GetInt32() == status.GetInt32() ? null : "the body's statusCode differs");
    }

    private static string? ResultProblem(JsonElement result, bool salesforceRefusesAll)
    {
        if (result.ValueKind != JsonValueKind.Object
            || !result.TryGetProperty("ok", out var ok) || ok.ValueKind is not (JsonValueKind.True or JsonValueKind.False)
            || !result.TryGetProperty("statusCode", out var status) || status.ValueKind != JsonValueKind.Number)
        {
            return "a result without ok and statusCode";
        }

        if (ok.ValueKind == JsonValueKind.False
            && !(result.TryGetProperty("error", out var error) && error.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String
                 && error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String))
        {
            return "a failure without error.code and error.message";
        }

        return salesforceRefusesAll && ok.ValueKind == JsonValueKind.True ? "a success against a Salesforce that refuses everything" : null;
    }

    public static string Show(byte[] json) =>
        json.Length <= 600 ? Encoding.UTF8.GetString(json) : $"{Encoding.UTF8.GetString(json[..600])}… ({json.Length:N0} bytes)";

    // The kind of event and how it was answered: the error code, or for a batch whether failures were named or whole.
    public static string Outcome(byte[] json, ReadOnlySpan<byte> answer)
    {
        using var document = JsonDocument.Parse(answer.ToArray());
        var root = document.RootElement;
        switch (KindOf(json, out _))
        {
            case Kind.Sqs:
                return root.GetProperty("batchItemFailures").EnumerateArray().Any(f => f.GetProperty("itemIdentifier").ValueEquals("")) ? "sqs whole" : "sqs named";
            case Kind.Http:
                using (var body = JsonDocument.Parse(root.GetProperty("body").GetString()!))
                {
                    return $"http {body.RootElement.GetProperty("error").GetProperty("code").GetString()}";
                }

            default:
                return $"direct {root.GetProperty("error").GetProperty("code").GetString()}";
        }
    }

}
