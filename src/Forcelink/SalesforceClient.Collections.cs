using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Forcelink.Bulk;
using Forcelink.Records;
using Forcelink.Models;
using Forcelink.Serialization;

namespace Forcelink;

public partial class SalesforceClient
{
    /// <summary>The most records one sObject Collections call takes.</summary>
    public const int CollectionLimit = 200;

    /// <summary>Creates any number of records, 200 per sObject Collections call, and sets each created record's id.
    /// Results come in input order. Not retried (a repeat would create duplicates).</summary>
    /// <param name="records">The records; several objects may be mixed.</param>
    /// <param name="allOrNone">When <see langword="true"/>, a failure rolls back the other records of the same call of 200
    /// (Salesforce has no transaction across calls).</param>
    /// <param name="cancellationToken">Stops between calls and during one.</param>
    public virtual Task<IReadOnlyList<SaveResult>> CreateManyAsync(IEnumerable<SObject> records, bool allOrNone = false, CancellationToken cancellationToken = default) =>
        WriteManyAsync(records, CollectionWrite.Create, null, allOrNone, cancellationToken);

    /// <summary>Updates any number of records (each needs its id), 200 per call; each sends only the fields it holds.</summary>
    public virtual Task<IReadOnlyList<SaveResult>> UpdateManyAsync(IEnumerable<SObject> records, bool allOrNone = false, CancellationToken cancellationToken = default) =>
        WriteManyAsync(records, CollectionWrite.Update, null, allOrNone, cancellationToken);

    /// <summary>Upserts any number of records of one object by an external id field, 200 per call; results say which were created.</summary>
    public virtual Task<IReadOnlyList<SaveResult>> UpsertManyAsync(IEnumerable<SObject> records, string externalIdField, bool allOrNone = false, CancellationToken cancellationToken = default) =>
        WriteManyAsync(records, CollectionWrite.Upsert, CheckObjectName(externalIdField), allOrNone, cancellationToken);

    /// <summary>Deletes any number of records by id, 200 per call.</summary>
    public virtual async Task<IReadOnlyList<SaveResult>> DeleteManyAsync(IEnumerable<string> ids, bool allOrNone = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var results = new List<SaveResult>();
        foreach (var chunk in ids.Chunk(CollectionLimit))
        {
            results.AddRange(await DeleteChunkAsync(chunk, allOrNone, cancellationToken).ConfigureAwait(false));
        }

        return results;
    }

    /// <summary>Streams ids through deletes of 200 per call, yielding each call's results as they come: memory stays at one chunk.</summary>
    public virtual IAsyncEnumerable<SaveResult> DeleteManyAsync(
        IAsyncEnumerable<string> ids,
        bool allOrNone = false,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return InChunksAsync(ids, (chunk, token) => DeleteChunkAsync(chunk, allOrNone, token), cancellationToken);
    }

    /// <summary>Streams records through updates of 200 per call (each needs its id), yielding each call's results as they come.</summary>
    public virtual IAsyncEnumerable<SaveResult> UpdateManyAsync(
        IAsyncEnumerable<SObject> records,
        bool allOrNone = false,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        return InChunksAsync(records, (chunk, token) => WriteChunkAsync(chunk, CollectionWrite.Update, null, allOrNone, token), cancellationToken);
    }

    private async Task<IReadOnlyList<SaveResult>> DeleteChunkAsync(string[] chunk, bool allOrNone, CancellationToken cancellationToken)
    {
        foreach (var id in chunk)
        {
            CheckId(id, "ids");
        }

        using var activity = StartActivity("deleteMany", null);
        var path = await DataPathAsync($"composite/sobjects?ids={string.Join(",", chunk)}&allOrNone={(allOrNone ? "true" : "false")}", cancellationToken).ConfigureAwait(false);
        using var request = new HttpRequestMessage(HttpMethod.Delete, path);
        using var response = await SendAsync(request, idempotent: true, cancellationToken).ConfigureAwait(false);
        var bodies = await ReadAsync(response, ForcelinkJsonContext.Default.ListSaveResultBody, cancellationToken).ConfigureAwait(false);
        if (bodies.Count != chunk.Length)
        {
            throw new SalesforceException($"Salesforce answered {chunk.Length} deletes with {bodies.Count} results.", (int)response.StatusCode, "ERROR_HTTP_200");
        }

        return [.. bodies.Select(b => b.ToResult())];
    }

    /// <summary>Streams records through upserts of 200 per call, yielding each call's results as they come: memory stays at one chunk.</summary>
    public virtual IAsyncEnumerable<SaveResult> UpsertManyAsync(
        IAsyncEnumerable<SObject> records,
        string externalIdField,
        bool allOrNone = false,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        CheckObjectName(externalIdField);
        return InChunksAsync(records, (chunk, token) => WriteChunkAsync(chunk, CollectionWrite.Upsert, externalIdField, allOrNone, token), cancellationToken);
    }

    /// <summary>Streams records through creates of 200 per call, yielding each call's results as they come.</summary>
    public virtual IAsyncEnumerable<SaveResult> CreateManyAsync(
        IAsyncEnumerable<SObject> records,
        bool allOrNone = false,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        return InChunksAsync(records, (chunk, token) => WriteChunkAsync(chunk, CollectionWrite.Create, null, allOrNone, token), cancellationToken);
    }

    // One call per chunk of 200, each call's results yielded before the next chunk is read: memory stays at one chunk.
    private static async IAsyncEnumerable<SaveResult> InChunksAsync<T>(
        IAsyncEnumerable<T> items,
        Func<T[], CancellationToken, Task<IReadOnlyList<SaveResult>>> send,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var chunk in items.Chunk(CollectionLimit).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            foreach (var result in await send(chunk, cancellationToken).ConfigureAwait(false))
            {
                yield return result;
            }
        }
    }

    private async Task<IReadOnlyList<SaveResult>> WriteManyAsync(IEnumerable<SObject> records, CollectionWrite kind, string? externalIdField, bool allOrNone, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (Options.Bulk.CollectionThreshold is { } threshold && !allOrNone)
        {
            // Counted once and enumerated once, whichever way the records are then written.
            var list = records as IReadOnlyList<SObject> ?? [.. records];
            records = list;
            if (list.Count >= threshold && list.All(r => r is not null && r.ObjectName == list[0].ObjectName))
            {
                using var activity = StartActivity(kind switch { CollectionWrite.Create => "createMany", CollectionWrite.Update => "updateMany", _ => "upsertMany" }, list[0].ObjectName);
                var operation = kind switch { CollectionWrite.Create => BulkOperation.Insert, CollectionWrite.Update => BulkOperation.Update, _ => BulkOperation.Upsert };
                return await Bulk.WriteManyAsync(list, operation, externalIdField, cancellationToken).ConfigureAwait(false);
            }
        }

        var results = new List<SaveResult>();
        foreach (var chunk in records.Chunk(CollectionLimit))
        {
            results.AddRange(await WriteChunkAsync(chunk, kind, externalIdField, allOrNone, cancellationToken).ConfigureAwait(false));
        }

        return results;
    }

    private async Task<IReadOnlyList<SaveResult>> WriteChunkAsync(SObject[] records, CollectionWrite kind, string? externalIdField, bool allOrNone, CancellationToken cancellationToken)
    {
        var body = new ArrayBufferWriter<byte>(records.Length * 128);
        using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartObject();
            writer.WriteBoolean("allOrNone", allOrNone);
            writer.WriteStartArray("records");
            foreach (var record in records)
            {
                ArgumentNullException.ThrowIfNull(record, nameof(records));
                CheckObjectName(record.ObjectName, nameof(records));
                string? id = null;
                switch (kind)
                {
                    case CollectionWrite.Update:
                        id = CheckId(record.Id ?? throw new ArgumentException($"A record to update has no Id ({record}).", nameof(records)), nameof(records));
                        break;
                    case CollectionWrite.Upsert when records[0].ObjectName != record.ObjectName:
                        throw new ArgumentException($"An upsert takes records of one object: found {records[0].ObjectName} and {record.ObjectName}.", nameof(records));
                    case CollectionWrite.Upsert when string.IsNullOrEmpty(record.GetString(externalIdField!)):
                        throw new ArgumentException($"A record to upsert has no value for {externalIdField} ({record}).", nameof(records));
                }

                record.WriteBody(writer, withAttributes: true, id);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        var relative = kind == CollectionWrite.Upsert ? $"composite/sobjects/{records[0].ObjectName}/{externalIdField}" : "composite/sobjects";
        using var activity = StartActivity(kind switch { CollectionWrite.Create => "createMany", CollectionWrite.Update => "updateMany", _ => "upsertMany" }, records[0].ObjectName);
        using var request = new HttpRequestMessage(kind == CollectionWrite.Create ? HttpMethod.Post : HttpMethod.Patch, await DataPathAsync(relative, cancellationToken).ConfigureAwait(false))
        {
            Content = JsonBody(body.WrittenMemory),
        };
        using var response = await SendAsync(request, idempotent: kind != CollectionWrite.Create, cancellationToken).ConfigureAwait(false);
        var bodies = await ReadAsync(response, ForcelinkJsonContext.Default.ListSaveResultBody, cancellationToken).ConfigureAwait(false);
        if (bodies.Count != records.Length)
        {
            throw new SalesforceException($"Salesforce answered {records.Length} records with {bodies.Count} results.", (int)response.StatusCode, "ERROR_HTTP_200");
        }

        var results = new SaveResult[records.Length];
        for (var i = 0; i < records.Length; i++)
        {
            results[i] = bodies[i].ToResult();
            if (results[i].IsSuccess && results[i].Id is { } id)
            {
                records[i].Id = id;
            }
        }

        return results;
    }

    private enum CollectionWrite
    {
        Create,
        Update,
        Upsert,
    }
}
