using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Forcelink.Records;
using Forcelink.Models;
using Forcelink.Serialization;

namespace Forcelink;

public partial class SalesforceClient
{
    /// <summary>Creates a record and sets its <see cref="SObject.Id"/>. Never retried: a repeat would create a second record.</summary>
    /// <returns>The new record's id.</returns>
    /// <exception cref="SalesforceException">Salesforce refused, for example <c>REQUIRED_FIELD_MISSING</c>.</exception>
    public virtual async Task<string> CreateAsync(SObject record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var objectName = CheckObjectName(record.ObjectName);
        using var activity = StartActivity("create", objectName);
        using var request = new HttpRequestMessage(HttpMethod.Post, await DataPathAsync($"sobjects/{objectName}", cancellationToken).ConfigureAwait(false))
        {
            Content = JsonBody(record.ToWriteBytes()),
        };
        using var response = await SendAsync(request, idempotent: false, cancellationToken).ConfigureAwait(false);
        var result = await ReadAsync(response, ForcelinkJsonContext.Default.SaveResultBody, cancellationToken).ConfigureAwait(false);
        record.Id = result.Id ?? throw new SalesforceException("Salesforce answered the create without an id.", (int)response.StatusCode, "ERROR_HTTP_201");
        return record.Id;
    }

    /// <summary>Reads a typed record by id.</summary>
    /// <param name="id">The 15- or 18-character id.</param>
    /// <param name="fields">The fields to read; by default all fields the user can see.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="SalesforceException">Not found (<c>NOT_FOUND</c>, <c>ENTITY_IS_DELETED</c>) or refused.</exception>
    public virtual async Task<T> GetAsync<T>(string id, IEnumerable<string>? fields = null, CancellationToken cancellationToken = default)
        where T : SObject, ISObjectType, new() =>
        await GetRecordAsync(T.ObjectName, CheckId(id), fields, static (ref reader, _) => SObject.Read<T>(ref reader), cancellationToken).ConfigureAwait(false);

    /// <summary>Reads a record of any object by id.</summary>
    public virtual async Task<SObject> GetAsync(string objectName, string id, IEnumerable<string>? fields = null, CancellationToken cancellationToken = default)
    {
        CheckObjectName(objectName);
        return await GetRecordAsync(objectName, CheckId(id), fields, static (ref reader, name) => SObject.Read(ref reader, name), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a typed record by an external id field.</summary>
    public virtual async Task<T> GetByExternalIdAsync<T>(string externalIdField, string externalId, IEnumerable<string>? fields = null, CancellationToken cancellationToken = default)
        where T : SObject, ISObjectType, new()
    {
        ArgumentException.ThrowIfNullOrEmpty(externalId);
        var path = $"{CheckObjectName(externalIdField)}/{Uri.EscapeDataString(externalId)}";
        return await GetRecordAsync(T.ObjectName, path, fields, static (ref reader, _) => SObject.Read<T>(ref reader), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a record of any object by an external id field.</summary>
    public virtual async Task<SObject> GetByExternalIdAsync(string objectName, string externalIdField, string externalId, IEnumerable<string>? fields = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(externalId);
        var path = $"{CheckObjectName(externalIdField)}/{Uri.EscapeDataString(externalId)}";
        return await GetRecordAsync(CheckObjectName(objectName), path, fields, static (ref reader, name) => SObject.Read(ref reader, name), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Updates a record: sends only the fields it holds (a field set to <see langword="null"/> is cleared). Needs <see cref="SObject.Id"/>.</summary>
    public virtual async Task UpdateAsync(SObject record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var objectName = CheckObjectName(record.ObjectName);
        var id = CheckId(record.Id ?? throw new ArgumentException("The record to update has no Id.", nameof(record)), nameof(record));
        using var activity = StartActivity("update", objectName);
        using var request = new HttpRequestMessage(HttpMethod.Patch, await DataPathAsync($"sobjects/{objectName}/{id}", cancellationToken).ConfigureAwait(false))
        {
            Content = JsonBody(record.ToWriteBytes()),
        };
        using var response = await SendAsync(request, idempotent: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes a record of a typed object.</summary>
    public virtual Task DeleteAsync<T>(string id, CancellationToken cancellationToken = default)
        where T : SObject, ISObjectType =>
        DeleteAsync(T.ObjectName, id, cancellationToken);

    /// <summary>Deletes a record (it moves to the Recycle Bin).</summary>
    /// <exception cref="SalesforceException">Not found, already deleted (<c>ENTITY_IS_DELETED</c>) or refused.</exception>
    public virtual async Task DeleteAsync(string objectName, string id, CancellationToken cancellationToken = default)
    {
        CheckObjectName(objectName);
        CheckId(id);
        using var activity = StartActivity("delete", objectName);
        using var request = new HttpRequestMessage(HttpMethod.Delete, await DataPathAsync($"sobjects/{objectName}/{id}", cancellationToken).ConfigureAwait(false));
        using var response = await SendAsync(request, idempotent: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates or updates the record whose <paramref name="externalIdField"/> has the value the record holds for it.</summary>
    /// <returns>The id and whether it was created.</returns>
    /// <exception cref="SalesforceException">Several records match (<c>MULTIPLE_CHOICES</c>, HTTP 300), or Salesforce refused.</exception>
    public virtual async Task<UpsertResult> UpsertAsync(SObject record, string externalIdField, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var objectName = CheckObjectName(record.ObjectName);
        CheckObjectName(externalIdField);
        var value = record.GetString(externalIdField);
        if (string.IsNullOrEmpty(value))
        {
            throw new ArgumentException($"The record has no value for the external id field {externalIdField}: set it before upserting.", nameof(record));
        }

        using var activity = StartActivity("upsert", objectName);
        var path = await DataPathAsync($"sobjects/{objectName}/{externalIdField}/{Uri.EscapeDataString(value)}", cancellationToken).ConfigureAwait(false);
        using var request = new HttpRequestMessage(HttpMethod.Patch, path) { Content = JsonBody(record.ToWriteBytes(exclude: externalIdField)) };
        using var response = await SendAsync(request, idempotent: true, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NoContent || response.Content.Headers.ContentLength == 0)
        {
            // API 45.0 and older answer an update with 204 (or a bodiless 200) and no body; the id must be read back.
            var existing = await GetByExternalIdAsync(objectName, externalIdField, value, ["Id"], cancellationToken).ConfigureAwait(false);
            record.Id = existing.Id;
            return new UpsertResult(existing.Id!, Created: false);
        }

        var result = await ReadAsync(response, ForcelinkJsonContext.Default.SaveResultBody, cancellationToken).ConfigureAwait(false);
        record.Id = result.Id;
        return new UpsertResult(result.Id!, result.Created ?? response.StatusCode == HttpStatusCode.Created);
    }

    /// <summary>Describes an object: its fields and what the current user may do with it.</summary>
    public virtual async Task<SObjectDescription> DescribeAsync(string objectName, CancellationToken cancellationToken = default)
    {
        CheckObjectName(objectName);
        using var activity = StartActivity("describe", objectName);
        using var request = new HttpRequestMessage(HttpMethod.Get, await DataPathAsync($"sobjects/{objectName}/describe", cancellationToken).ConfigureAwait(false));
        using var response = await SendAsync(request, idempotent: true, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(response, ForcelinkJsonContext.Default.SObjectDescription, cancellationToken).ConfigureAwait(false);
    }

    private delegate T RecordReader<out T>(ref Utf8JsonReader reader, string? objectName);

    private async Task<T> GetRecordAsync<T>(string objectName, string idPath, IEnumerable<string>? fields, RecordReader<T> read, CancellationToken cancellationToken)
        where T : class
    {
        using var activity = StartActivity("get", objectName);
        using var request = new HttpRequestMessage(HttpMethod.Get, await RecordUriAsync(objectName, idPath, fields, cancellationToken).ConfigureAwait(false));
        using var response = await SendAsync(request, idempotent: true, cancellationToken).ConfigureAwait(false);

        // The record is read from the body's bytes: no JSON tree on the way to the record's own fields.
        return await ParseBodyAsync(response, (read, objectName), static (json, state) =>
        {
            var reader = new Utf8JsonReader(json);
            return reader.Read() && reader.TokenType == JsonTokenType.StartObject ? state.read(ref reader, state.objectName) : null;
        }, cancellationToken).ConfigureAwait(false);
    }

    private delegate TResult? BodyParser<in TState, out TResult>(ReadOnlySpan<byte> json, TState state)
        where TResult : class;

    /// <summary>Reads the whole body into a pooled buffer and parses it there; a body that is not a JSON object
    /// (<paramref name="parse"/> answers <see langword="null"/>) or does not read is a <see cref="SalesforceException"/>.</summary>
    private static async Task<TResult> ParseBodyAsync<TState, TResult>(HttpResponseMessage response, TState state, BodyParser<TState, TResult> parse, CancellationToken cancellationToken)
        where TResult : class
    {
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var size = response.Content.Headers.ContentLength is { } known and > 0 and < 1 << 26 ? (int)known + 1 : 16_384;
            var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(size);
            try
            {
                var length = 0;
                int read;
                while ((read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    length += read;
                    if (length == buffer.Length)
                    {
                        var larger = System.Buffers.ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, length).CopyTo(larger);
                        System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }
                }

                return parse(buffer.AsSpan(0, length), state) ?? throw NotAnObject(response, null);
            }
            catch (JsonException e)
            {
                throw NotAnObject(response, e);
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private static SalesforceException NotAnObject(HttpResponseMessage response, JsonException? inner) =>
        new(
            inner is null
                ? $"Salesforce answered {response.RequestMessage?.RequestUri?.AbsolutePath} with JSON that is not an object."
                : $"Salesforce answered {response.RequestMessage?.RequestUri?.AbsolutePath} with a body Forcelink could not read ({inner.Message}).",
            (int)response.StatusCode,
            $"ERROR_HTTP_{(int)response.StatusCode}",
            innerException: inner);

    internal static async Task<JsonObject> ReadObjectAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            return await JsonNode.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false) as JsonObject
                ?? throw new SalesforceException($"Salesforce answered {response.RequestMessage?.RequestUri?.AbsolutePath} with JSON that is not an object.", (int)response.StatusCode, $"ERROR_HTTP_{(int)response.StatusCode}");
        }
    }

    internal static async Task<T> ReadAsync<T>(HttpResponseMessage response, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            try
            {
                return await JsonSerializer.DeserializeAsync(stream, typeInfo, cancellationToken).ConfigureAwait(false)
                    ?? throw new JsonException("null body");
            }
            catch (JsonException e)
            {
                throw new SalesforceException(
                    $"Salesforce answered {response.RequestMessage?.RequestUri?.AbsolutePath} with a body Forcelink could not read ({e.Message}).",
                    (int)response.StatusCode,
                    $"ERROR_HTTP_{(int)response.StatusCode}",
                    innerException: e);
            }
        }
    }
}
