using System.Text.Json;

namespace Forcelink.Aws;

/// <summary>
/// One message of a <c>SendMessageBatch</c> call: <paramref name="Id"/> names it within the call; the attributes are
/// String attributes; a FIFO queue needs <paramref name="GroupId"/>, and <paramref name="DeduplicationId"/> makes SQS
/// drop a repeat sent within five minutes; <paramref name="DelaySeconds"/> (0 to 900) holds the message back that long.
/// </summary>
internal sealed record SqsBatchEntry(string Id, string Body, IReadOnlyList<(string Name, string Value)> Attributes, string? GroupId = null, string? DeduplicationId = null, int? DelaySeconds = null);

/// <summary>Which entries of a <c>SendMessageBatch</c> call SQS took, and why each other one was not sent.</summary>
internal sealed record SqsBatchResult(IReadOnlyCollection<string> Sent, IReadOnlyDictionary<string, string> Failed)
{
    /// <summary>Reads the answer's <c>Successful</c> and <c>Failed</c> lists; an entry in neither counts as failed.</summary>
    public static SqsBatchResult From(JsonElement answer, IReadOnlyList<SqsBatchEntry> entries)
    {
        var sent = new HashSet<string>(StringComparer.Ordinal);
        if (answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("Successful"u8, out var successful) && successful.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in successful.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("Id", out var id) && id.ValueKind == JsonValueKind.String)
                {
                    sent.Add(id.GetString()!);
                }
            }
        }

        var reasons = new Dictionary<string, string>(StringComparer.Ordinal);
        if (answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("Failed"u8, out var failed) && failed.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in failed.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("Id", out var id) && id.ValueKind == JsonValueKind.String)
                {
                    reasons[id.GetString()!] = $"{Text(item, "Code")}: {Text(item, "Message")}".Trim(' ', ':');
                }
            }
        }

        // Listed both ways is no answer to rely on: such a message stays where it is.
        sent.ExceptWith(reasons.Keys);
        var failures = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in entries.Where(e => !sent.Contains(e.Id)))
        {
            failures[entry.Id] = reasons.GetValueOrDefault(entry.Id) ?? "SQS did not list the message as sent";
        }

        sent.IntersectWith(entries.Select(e => e.Id));
        return new SqsBatchResult(sent, failures);
    }

    private static string Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
}
