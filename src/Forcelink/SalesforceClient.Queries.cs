using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Forcelink.Records;
using Forcelink.Models;
using Forcelink.Soql;

namespace Forcelink;

public partial class SalesforceClient
{
    /// <summary>Streams the records of a query as typed records, fetching the next page only when the previous one is consumed,
    /// so memory stays at one page (up to 2,000 records) whatever the total.</summary>
    public virtual IAsyncEnumerable<T> QueryAsync<T>(SoqlQuery query, QueryOptions? options = null, CancellationToken cancellationToken = default)
        where T : SObject, ISObjectType, new()
    {
        ArgumentNullException.ThrowIfNull(query);
        return QueryCoreAsync(query.Text, "query", options, ReadTyped<T>, cancellationToken);
    }

    /// <summary>Streams the records of a query whose holes are bound by type: <c>QueryAsync&lt;Lead&gt;($"SELECT Id FROM Lead WHERE Email = {email}")</c>.</summary>
    public IAsyncEnumerable<T> QueryAsync<T>(SoqlInterpolatedStringHandler query, QueryOptions? options = null, CancellationToken cancellationToken = default)
        where T : SObject, ISObjectType, new() =>
        QueryAsync<T>(new SoqlQuery(query), options, cancellationToken);

    /// <summary>Streams the records of a query over any object.</summary>
    public virtual IAsyncEnumerable<SObject> QueryAsync(SoqlQuery query, QueryOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return QueryCoreAsync(query.Text, "query", options, ReadAny, cancellationToken);
    }

    /// <summary>Streams the records of a query, including deleted records still in the Recycle Bin (<c>queryAll</c>).</summary>
    public virtual IAsyncEnumerable<T> QueryAllAsync<T>(SoqlQuery query, QueryOptions? options = null, CancellationToken cancellationToken = default)
        where T : SObject, ISObjectType, new()
    {
        ArgumentNullException.ThrowIfNull(query);
        return QueryCoreAsync(query.Text, "queryAll", options, ReadTyped<T>, cancellationToken);
    }

    /// <summary>Streams the records of a query over any object whose holes are bound by type: <c>QueryAsync($"SELECT Id FROM Contact WHERE Email = {email}")</c>.</summary>
    public IAsyncEnumerable<SObject> QueryAsync(SoqlInterpolatedStringHandler query, QueryOptions? options = null, CancellationToken cancellationToken = default) =>
        QueryAsync(new SoqlQuery(query), options, cancellationToken);

    /// <summary>Streams the records of a bound query, deleted and archived ones included (<c>queryAll</c>).</summary>
    public IAsyncEnumerable<T> QueryAllAsync<T>(SoqlInterpolatedStringHandler query, QueryOptions? options = null, CancellationToken cancellationToken = default)
        where T : SObject, ISObjectType, new() =>
        QueryAllAsync<T>(new SoqlQuery(query), options, cancellationToken);

    /// <summary>Streams the records of a bound query over any object, deleted and archived ones included (<c>queryAll</c>).</summary>
    public IAsyncEnumerable<SObject> QueryAllAsync(SoqlInterpolatedStringHandler query, QueryOptions? options = null, CancellationToken cancellationToken = default) =>
        QueryAllAsync(new SoqlQuery(query), options, cancellationToken);

    /// <summary>Streams the records of a query over any object, including deleted records still in the Recycle Bin and archived records (<c>queryAll</c>).</summary>
    public virtual IAsyncEnumerable<SObject> QueryAllAsync(SoqlQuery query, QueryOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return QueryCoreAsync(query.Text, "queryAll", options, ReadAny, cancellationToken);
    }

    /// <summary>Counts the records a <c>SELECT COUNT() FROM ...</c> query matches.</summary>
    public virtual Task<int> CountAsync(SoqlQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return CountCoreAsync(query.Text, "query", cancellationToken);
    }

    /// <summary>Counts the records a <c>SELECT COUNT() FROM ...</c> query matches, deleted and archived ones included (<c>queryAll</c>).</summary>
    public virtual Task<int> CountAllAsync(SoqlQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return CountCoreAsync(query.Text, "queryAll", cancellationToken);
    }

    /// <summary>Counts with a bound query: <c>CountAsync($"SELECT COUNT() FROM Lead WHERE Status = {status}")</c>.</summary>
    public Task<int> CountAsync(SoqlInterpolatedStringHandler query, CancellationToken cancellationToken = default) =>
        CountAsync(new SoqlQuery(query), cancellationToken);

    /// <summary>Counts with a bound query, deleted and archived records included (<c>queryAll</c>).</summary>
    public Task<int> CountAllAsync(SoqlInterpolatedStringHandler query, CancellationToken cancellationToken = default) =>
        CountAllAsync(new SoqlQuery(query), cancellationToken);

    /// <summary>Runs a SOSL search and returns the matching records of every object, in Salesforce's order.</summary>
    public virtual async Task<IReadOnlyList<SObject>> SearchAsync(SoslSearch search, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(search);
        return await SearchRawAsync(search.ToString(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs SOSL exactly as written. Nothing is escaped: never put untrusted input in it; use <see cref="SoslSearch"/>.</summary>
    public virtual async Task<IReadOnlyList<SObject>> SearchRawAsync(string sosl, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sosl);
        using var activity = StartActivity("search", null);
        using var request = new HttpRequestMessage(HttpMethod.Get, await DataPathAsync($"search?q={Uri.EscapeDataString(sosl)}", cancellationToken).ConfigureAwait(false));
        using var response = await SendAsync(request, idempotent: true, cancellationToken).ConfigureAwait(false);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var body = await JsonNode.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);

            // Old API versions answer with a bare array; current ones with {"searchRecords":[...]}.
            var records = body as JsonArray ?? body?["searchRecords"] as JsonArray ?? [];
            var items = records.ToArray();
            records.Clear();
            return [.. items.OfType<JsonObject>().Select(SObject.FromJson)];
        }
    }

    private async Task<int> CountCoreAsync(string soql, string resource, CancellationToken cancellationToken)
    {
        var path = await DataPathAsync($"{resource}?q={Uri.EscapeDataString(soql)}", cancellationToken).ConfigureAwait(false);
        var page = await GetQueryPageAsync<object?>(path, null, static (ref reader, _) =>
        {
            reader.Skip();
            return null;
        }, cancellationToken).ConfigureAwait(false);
        return page.TotalSize;
    }

    private async IAsyncEnumerable<T> QueryCoreAsync<T>(
        string soql,
        string resource,
        QueryOptions? options,
        RecordReader<T> read,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(soql);
        if (options?.BatchSize is { } size && size is < 200 or > 2000)
        {
            throw new ArgumentException($"BatchSize {size} is out of range: Salesforce accepts 200 to 2,000.", nameof(options));
        }

        var objectName = FromObject(soql);
        using var activity = StartActivity(resource, objectName);
        var first = await DataPathAsync($"{resource}?q={Uri.EscapeDataString(soql)}", cancellationToken).ConfigureAwait(false);
        await foreach (var record in ReadPagesAsync(first, options, read, cancellationToken).ConfigureAwait(false))
        {
            yield return record;
        }
    }

    /// <summary>Streams a record's children of a child relationship, such as <c>Contacts</c> of an Account read with
    /// <c>SELECT Name, (SELECT LastName FROM Contacts) FROM Account</c>: the children the query returned, then, when
    /// Salesforce split them (<c>done</c> false), the rest through their <c>nextRecordsUrl</c>, one page at a time.
    /// <see cref="SObject.GetChildren(string)"/> gives only the children the query returned.</summary>
    /// <param name="record">A record read by a query that selected the child relationship.</param>
    /// <param name="relationshipName">The child relationship's name as selected, such as <c>Contacts</c> or <c>Invoices__r</c>.</param>
    /// <param name="cancellationToken">Stops between pages and during one.</param>
    /// <returns>Nothing when Salesforce answered <see langword="null"/> (no children) or the record does not hold the relationship.</returns>
    public virtual async IAsyncEnumerable<SObject> QueryChildrenAsync(SObject record, string relationshipName, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentException.ThrowIfNullOrEmpty(relationshipName);
        foreach (var child in record.GetChildren(relationshipName))
        {
            yield return child;
        }

        if (record[relationshipName] is not JsonObject children || children["nextRecordsUrl"]?.GetValue<string>() is not { Length: > 0 } next)
        {
            yield break;
        }

        using var activity = StartActivity("query", record.ObjectName);
        await foreach (var child in ReadPagesAsync<SObject>(next.TrimStart('/'), null, ReadAny, cancellationToken).ConfigureAwait(false))
        {
            yield return child;
        }
    }

    private static T ReadTyped<T>(ref Utf8JsonReader reader, string? objectName)
        where T : SObject, new() => SObject.Read<T>(ref reader);

    private static SObject ReadAny(ref Utf8JsonReader reader, string? objectName) => SObject.Read(ref reader, objectName);

    private async IAsyncEnumerable<T> ReadPagesAsync<T>(string first, QueryOptions? options, RecordReader<T> read, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var readAhead = options?.ReadAhead == true;
        Task<QueryPage<T>>? ahead = null;
        CancellationTokenSource? stopAhead = null;
        try
        {
            var page = await GetQueryPageAsync(first, options, read, cancellationToken).ConfigureAwait(false);
            while (true)
            {
                var next = page.NextRecordsUrl?.TrimStart('/');
                if (readAhead && next is not null)
                {
                    stopAhead = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    ahead = GetQueryPageAsync(next, options, read, stopAhead.Token);
                }

                // Each record is let go as it is handed out, so a page is collected as it is consumed.
                var records = page.Records;
                for (var i = 0; i < records.Count; i++)
                {
                    var record = records[i];
                    records[i] = default!;
                    yield return record;
                }

                if (next is null)
                {
                    yield break;
                }

                if (ahead is null)
                {
                    page = await GetQueryPageAsync(next, options, read, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    page = await ahead.ConfigureAwait(false);
                    ahead = null;
                    stopAhead!.Dispose();
                    stopAhead = null;
                }
            }
        }
        finally
        {
            if (ahead is not null)
            {
                // The caller stopped (or failed) before the page read ahead was needed: stop its request, and observe it
                // so that its cancellation is not reported as an unobserved task exception.
                await stopAhead!.CancelAsync().ConfigureAwait(false);
                await ((Task)ahead).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            stopAhead?.Dispose();
        }
    }

    private sealed record QueryPage<T>(List<T> Records, string? NextRecordsUrl, int TotalSize);

    private async Task<QueryPage<T>> GetQueryPageAsync<T>(string path, QueryOptions? options, RecordReader<T> read, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (options?.BatchSize is { } size)
        {
            request.Headers.TryAddWithoutValidation("Sforce-Query-Options", string.Create(CultureInfo.InvariantCulture, $"batchSize={size}"));
        }

        using var response = await SendAsync(request, idempotent: true, cancellationToken).ConfigureAwait(false);

        // The page's records are read from its bytes into records directly: no JSON tree of the page on the way.
        return await ParseBodyAsync(response, read, ReadPage, cancellationToken).ConfigureAwait(false);
    }

    private static QueryPage<T>? ReadPage<T>(ReadOnlySpan<byte> json, RecordReader<T> read)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        List<T> records = [];
        string? next = null;
        var totalSize = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("records"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        if (reader.TokenType == JsonTokenType.StartObject)
                        {
                            records.Add(read(ref reader, null));
                        }
                        else
                        {
                            reader.Skip();
                        }
                    }
                }
                else
                {
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("nextRecordsUrl"u8))
            {
                reader.Read();
                next = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("totalSize"u8))
            {
                reader.Read();
                totalSize = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var n) ? n : 0;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return new QueryPage<T>(records, next, totalSize);
    }

    private static readonly System.Buffers.SearchValues<char> NameEnd = System.Buffers.SearchValues.Create(" \n\r\t,)");

    // Names the span only; the query itself is never logged or traced, as its values may be personal data.
    internal static string? FromObject(string soql)
    {
        var index = soql.IndexOf(" FROM ", StringComparison.OrdinalIgnoreCase);
        if (index < 0)
        {
            return null;
        }

        var rest = soql.AsSpan(index + 6).TrimStart();
        var end = rest.IndexOfAny(NameEnd);
        var name = (end < 0 ? rest : rest[..end]).ToString();
        return SoqlIdentifier.IsValid(name) ? name : null;
    }
}
