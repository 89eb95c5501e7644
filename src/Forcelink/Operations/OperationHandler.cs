using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Forcelink.Records;
using Forcelink.Models;
using Forcelink.Soql;

namespace Forcelink.Operations;

/// <summary>
/// Runs operations with a <see cref="SalesforceClient"/>: the one place where the Lambda and the CLI turn requests into
/// Salesforce calls, so their behaviour cannot drift. Expected failures (a refused request, a record Salesforce rejects)
/// become results. For one operation, unexpected ones (a failed login, Salesforce unavailable after retries) propagate;
/// a batch answers every operation, so one operation's failure never hides what the others did.
/// </summary>
/// <param name="client">The client to call Salesforce with.</param>
/// <param name="policy">What callers may do; by default <see cref="OperationPolicy.Default"/>.</param>
public sealed class OperationHandler(SalesforceClient client, OperationPolicy? policy = null)
{
    private readonly SalesforceClient _client = client ?? throw new ArgumentNullException(nameof(client));

    /// <summary>The policy requests are checked against.</summary>
    public OperationPolicy Policy { get; } = policy ?? OperationPolicy.Default;

    /// <summary>
    /// Per object, a unique external id field (such as <c>Forcelink_Key__c</c>: Text(64), External ID, Unique) that
    /// keyed creates write their idempotency key's hash to, so Salesforce itself refuses a second record for the same key:
    /// a repeat whose first attempt committed (even when its answer was lost) is answered with the first record's id
    /// instead of creating another. Objects not listed get no such protection; then only an idempotency table can
    /// recognise a repeat, and an attempt whose outcome is unknown is reported as <see cref="OperationResult.OutcomeUnknown"/>.
    /// Default: none.
    /// </summary>
    public IReadOnlyDictionary<string, string> IdempotencyFields
    {
        get => _idempotencyFields;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (objectName, keyField) in value)
            {
                if (!SoqlIdentifier.IsValid(objectName) || !SoqlIdentifier.IsValid(keyField) || keyField.Contains('.', StringComparison.Ordinal))
                {
                    throw new ArgumentException($"'{objectName}.{keyField}' is not an object and field API name, such as Lead.Forcelink_Key__c.", nameof(value));
                }

                fields[objectName] = keyField;
            }

            _idempotencyFields = fields;
        }
    }

    private Dictionary<string, string> _idempotencyFields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The value a keyed create writes to its object's idempotency field: the lower-case hex SHA-256 of the key
    /// (64 characters; the key itself may be sensitive or too long for the field).</summary>
    public static string IdempotencyFieldValue(string idempotencyKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(idempotencyKey);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey)));
    }

    /// <summary>Whether a repeat of this create is recognised by Salesforce itself: it carries a key and its object has an
    /// idempotency field (<see cref="IdempotencyFields"/>).</summary>
    public bool IsProtectedCreate(Operation operation) =>
        operation is CreateOperation { IdempotencyKey: not null } create && _idempotencyFields.ContainsKey(create.ObjectName);

    /// <summary>Validates and runs one request.</summary>
    public Task<OperationResult> HandleAsync(OperationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.TryValidate(Policy, out var operation, out var error) ? ExecuteAsync(operation, cancellationToken) : Task.FromResult(error);
    }

    /// <summary>Validates and runs one request given as JSON.</summary>
    public Task<OperationResult> HandleAsync(ReadOnlyMemory<byte> json, CancellationToken cancellationToken = default) =>
        OperationRequest.TryParse(json.Span, out var request, out var error) ? HandleAsync(request, cancellationToken) : Task.FromResult(error);

    /// <summary>Runs a validated operation.</summary>
    public async Task<OperationResult> ExecuteAsync(Operation operation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        try
        {
            return operation switch
            {
                CreateOperation create => await CreateAsync(create, cancellationToken).ConfigureAwait(false),
                // The record was read for this answer alone: the answer holds it as it is, not a copy.
                GetOperation get => OperationResult.WithRecord(await _client.GetAsync(get.ObjectName, get.Id, get.Fields, cancellationToken).ConfigureAwait(false)),
                FindOperation find => await FindAsync(find, cancellationToken).ConfigureAwait(false),
                UpdateOperation update => await UpdateAsync(update, cancellationToken).ConfigureAwait(false),
                UpsertOperation upsert => await UpsertAsync(upsert, cancellationToken).ConfigureAwait(false),
                DeleteOperation delete => await DeleteAsync(delete, cancellationToken).ConfigureAwait(false),
                AttachOperation attach => await AttachAsync(attach, cancellationToken).ConfigureAwait(false),
                _ => throw new ArgumentException($"Unknown operation {operation.GetType().Name}.", nameof(operation)),
            };
        }
        catch (SalesforceException e) when (IsExpected(e))
        {
            return operation is DeleteOperation delete && e.ErrorCode == "ENTITY_IS_DELETED" ? AlreadyDeleted(delete) : ToResult(e);
        }
    }

    /// <summary>
    /// Validates and runs many requests, writing creates, updates, upserts and deletes of the same object together in
    /// sObject Collections calls of 200 (one API call each) instead of one call per record. Results come in input order.
    /// </summary>
    public Task<IReadOnlyList<OperationResult>> HandleBatchAsync(IReadOnlyList<OperationRequest> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        return BatchAnswers.RunAsync(requests, (OperationRequest request, out Operation? operation) => request.TryValidate(Policy, out operation, out var error) ? null : error, ExecuteBatchAsync, cancellationToken);
    }

    /// <summary>Validates and runs many requests given as JSON (an <c>invoke</c> file's items); one that cannot be read is answered as such, in its place.</summary>
    public Task<IReadOnlyList<OperationResult>> HandleBatchAsync(IReadOnlyList<ReadOnlyMemory<byte>> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        return BatchAnswers.RunAsync(
            requests,
            (ReadOnlyMemory<byte> json, out Operation? operation) =>
            {
                operation = null;
                return !OperationRequest.TryParse(json.Span, out var request, out var error) ? error
                    : request.TryValidate(Policy, out operation, out error) ? null : error;
            },
            ExecuteBatchAsync,
            cancellationToken);
    }

    /// <summary>
    /// Runs many validated operations (from <see cref="OperationRequest.TryValidate"/>), writing creates, updates, upserts
    /// and deletes of the same object together in sObject Collections calls of 200, as
    /// <see cref="HandleBatchAsync(IReadOnlyList{OperationRequest}, CancellationToken)"/> does for requests. Results come
    /// in input order.
    /// </summary>
    public async Task<IReadOnlyList<OperationResult>> ExecuteBatchAsync(IReadOnlyList<Operation> operations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operations);
        var results = new OperationResult?[operations.Count];
        var groups = operations
            .Select((operation, index) => (Operation: operation ?? throw new ArgumentException("The list holds a null operation.", nameof(operations)), Index: index))
            .Where(x => x.Operation is CreateOperation or UpdateOperation or UpsertOperation or DeleteOperation)
            .GroupBy(x => GroupKey(x.Operation))
            .ToList();
        foreach (var group in groups)
        {
            var items = group.ToList();
            if (items.Count == 1)
            {
                continue;
            }

            if (cancellationToken.IsCancellationRequested)
            {
                break;
            }

            IReadOnlyList<OperationResult> written;
            try
            {
                written = await WriteGroupAsync([.. items.Select(i => i.Operation)], cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || cancellationToken.IsCancellationRequested)
            {
                // One call's failure is that call's operations' answer; the others keep theirs.
                written = [.. items.Select(i => Unfinished(i.Operation, e))];
            }

            for (var j = 0; j < items.Count; j++)
            {
                results[items[j].Index] = written[j];
            }
        }

        for (var i = 0; i < operations.Count; i++)
        {
            if (results[i] is not null)
            {
                continue;
            }

            results[i] = await ExecuteToResultAsync(operations[i], cancellationToken).ConfigureAwait(false);
        }

        return results!;
    }

    /// <summary>
    /// Runs a validated operation and answers with a result whatever happens on the way, as each operation of
    /// <see cref="ExecuteBatchAsync"/> is answered: where <see cref="ExecuteAsync"/> would throw (Salesforce unavailable after
    /// its retries, a lost connection, <paramref name="cancellationToken"/> cancelled), the result says whether the operation
    /// may have been applied (<see cref="OperationResult.OutcomeUnknown"/>) or was not (<see cref="OperationResult.NotStarted"/>).
    /// </summary>
    public async Task<OperationResult> ExecuteToResultAsync(Operation operation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        if (cancellationToken.IsCancellationRequested)
        {
            return NotStarted();
        }

        try
        {
            return await ExecuteAsync(operation, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || cancellationToken.IsCancellationRequested)
        {
            return Unfinished(operation, e);
        }
    }

    private static OperationResult NotStarted() =>
        OperationResult.Transient(503, OperationResult.NotStarted, "The operation was not sent: time ran out (or the caller cancelled) before it started. Send it again.");

    /// <summary>The answer for an operation whose call threw: whether anything happened decides what a repeat may do.</summary>
    private OperationResult Unfinished(Operation operation, Exception exception)
    {
        if (exception is SalesforceException { IsLoginFailure: false } refused && IsExpected(refused))
        {
            // Salesforce refused the whole call: nothing was written.
            return ToResult(refused);
        }

        var reason = exception switch
        {
            OperationCanceledException => "time ran out (or the caller cancelled) while it was in flight",
            SalesforceException e => e.Message,
            _ => $"{exception.GetType().Name}: {exception.Message}",
        };
        if (exception is SalesforceException login && (login.IsLoginFailure || login.DuringLogin))
        {
            return OperationResult.Transient(503, login.ErrorCode ?? "LOGIN_FAILED", $"The operation was not sent: the login failed. {reason}");
        }

        if (exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError })
        {
            return OperationResult.Transient(503, "SALESFORCE_UNREACHABLE", $"The operation was not sent: Salesforce could not be reached ({reason}). Send it again.");
        }

        if (exception is SalesforceException { StatusCode: 503 } unavailable)
        {
            // Salesforce answers 503 when it is down or overloaded, before it does the work.
            return OperationResult.Transient(503, unavailable.ErrorCode ?? "SERVER_UNAVAILABLE", $"Salesforce is unavailable; nothing was written ({reason}). Send it again later.");
        }

        var transport = exception is SalesforceException or HttpRequestException or IOException or OperationCanceledException or TimeoutException;
        if (!transport && operation is GetOperation or FindOperation)
        {
            return OperationResult.Failure(500, "UNEXPECTED_ERROR", $"The {operation.Kind.ToString().ToLowerInvariant()} failed unexpectedly ({reason}).");
        }

        return operation switch
        {
            CreateOperation when IsProtectedCreate(operation) => OperationResult.Transient(504, OperationResult.OutcomeUnknown,
                $"The create was sent but its answer was lost ({reason}). Send it again with the same idempotency key: the object's idempotency field makes a repeat return the record if it was created."),
            CreateOperation => OperationResult.Failure(504, OperationResult.OutcomeUnknown,
                $"The create was sent but its answer was lost ({reason}), so the record may or may not exist. It was not sent again: check Salesforce before repeating it, or give the object an idempotency field so repeats are safe."),
            GetOperation or FindOperation => OperationResult.Transient(503, "SALESFORCE_UNAVAILABLE", $"The read failed ({reason}). Send it again."),
            AttachOperation attach => OperationResult.Failure(504, OperationResult.OutcomeUnknown,
                $"The file was sent but its answer was lost ({reason}), so {attach.ObjectName} {attach.Id} may or may not have it. It was not sent again: list the record's files ('forcelink file list {attach.Id}') before repeating it."),
            _ => OperationResult.Transient(504, OperationResult.OutcomeUnknown,
                $"The {operation.Kind.ToString().ToLowerInvariant()} was sent but its answer was lost ({reason}); repeating it is safe."),
        };
    }

    private async Task<OperationResult> CreateAsync(CreateOperation create, CancellationToken cancellationToken)
    {
        var record = ToRecord(create);
        try
        {
            return OperationResult.Success(201, await _client.CreateAsync(record, cancellationToken).ConfigureAwait(false));
        }
        catch (SalesforceException e) when (IsRepeat(create, e.Errors))
        {
            var found = await FindCreatedAsync(create.ObjectName, [create], cancellationToken).ConfigureAwait(false);
            return found.TryGetValue(create.IdempotencyKey!, out var id) ? Repeated(id) : ToResult(e);
        }
    }

    /// <summary>A repeat gets the first attempt's answer: the same status and id.</summary>
    private static OperationResult Repeated(string id) => OperationResult.Success(201, id);

    private static OperationResult AlreadyDeleted(DeleteOperation delete) => OperationResult.Success(200, delete.Id);

    /// <summary>Salesforce refused a keyed create because its idempotency field's value exists: an earlier attempt committed.</summary>
    private bool IsRepeat(CreateOperation create, IReadOnlyList<SalesforceError> errors) =>
        create.IdempotencyKey is not null
        && _idempotencyFields.TryGetValue(create.ObjectName, out var field)
        && errors.Any(e => e.ErrorCode == "DUPLICATE_VALUE"
            && (e.Fields.Contains(field, StringComparer.OrdinalIgnoreCase) || e.Message.Contains(field, StringComparison.OrdinalIgnoreCase)));

    /// <summary>The records earlier attempts of these keyed creates made, by idempotency key: one query for the lot.</summary>
    private async Task<Dictionary<string, string>> FindCreatedAsync(string objectName, IReadOnlyList<CreateOperation> creates, CancellationToken cancellationToken)
    {
        var field = _idempotencyFields[objectName];
        var byValue = creates.ToDictionary(c => IdempotencyFieldValue(c.IdempotencyKey!), c => c.IdempotencyKey!, StringComparer.Ordinal);
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var chunk in byValue.Keys.Chunk(100))
        {
            var text = new StringBuilder("SELECT Id, ").Append(SoqlIdentifier.Parse(field).Name)
                .Append(" FROM ").Append(SoqlIdentifier.Parse(objectName).Name)
                .Append(" WHERE ").Append(SoqlIdentifier.Parse(field).Name).Append(" IN ");
            SoqlLiteral.Append(text, chunk.Cast<object?>().ToList());

            // Names are validated identifiers and the values bound literals.
            await foreach (var record in _client.QueryAsync(SoqlQuery.Raw(text.ToString()), cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                if (record[field]?.GetValue<string>() is { } value && byValue.TryGetValue(value, out var key) && record.Id is { } id)
                {
                    found[key] = id;
                }
            }
        }

        return found;
    }

    private async Task<OperationResult> FindAsync(FindOperation find, CancellationToken cancellationToken)
    {
        var records = new List<SObject>();
        await foreach (var record in _client.QueryAsync(BuildFindQuery(find), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            records.Add(record);
        }

        return OperationResult.WithRecords(records);
    }

    private async Task<OperationResult> UpdateAsync(UpdateOperation update, CancellationToken cancellationToken)
    {
        var record = ToRecord(update.ObjectName, update.Fields);
        record.Id = update.Id;
        await _client.UpdateAsync(record, cancellationToken).ConfigureAwait(false);
        return OperationResult.Success(200, update.Id);
    }

    private async Task<OperationResult> UpsertAsync(UpsertOperation upsert, CancellationToken cancellationToken)
    {
        var record = ToRecord(upsert.ObjectName, upsert.Fields);
        record.Set(upsert.ExternalIdField, upsert.ExternalId);
        var result = await _client.UpsertAsync(record, upsert.ExternalIdField, cancellationToken).ConfigureAwait(false);
        return OperationResult.Success(result.Created ? 201 : 200, result.Id, result.Created);
    }

    private async Task<OperationResult> DeleteAsync(DeleteOperation delete, CancellationToken cancellationToken)
    {
        await _client.DeleteAsync(delete.ObjectName, delete.Id, cancellationToken).ConfigureAwait(false);
        return OperationResult.Success(200, delete.Id);
    }

    private async Task<OperationResult> AttachAsync(AttachOperation attach, CancellationToken cancellationToken)
    {
        // The decoded file is read where it lies: an attach holds its bytes once.
        using var content = System.Runtime.InteropServices.MemoryMarshal.TryGetArray(attach.Content, out var bytes)
            ? new MemoryStream(bytes.Array!, bytes.Offset, bytes.Count, writable: false)
            : new MemoryStream(attach.Content.ToArray(), writable: false);
        var file = await _client.UploadFileAsync(
            new Models.FileUpload(attach.FileName, content) { RecordId = attach.Id, Title = attach.Title, Description = attach.Description },
            cancellationToken).ConfigureAwait(false);
        return OperationResult.WithRecord(file.ContentDocumentId, new JsonObject
        {
            ["contentDocumentId"] = file.ContentDocumentId,
            ["contentVersionId"] = file.ContentVersionId,
            ["title"] = file.Title,
            ["contentSize"] = file.ContentSize,
            ["linkedEntityId"] = attach.Id,
        }, statusCode: 201);
    }

    private async Task<IReadOnlyList<OperationResult>> WriteGroupAsync(List<Operation> operations, CancellationToken cancellationToken)
    {
        IReadOnlyList<SaveResult> saved;
        switch (operations[0])
        {
            case CreateOperation:
                var creates = operations.Cast<CreateOperation>().ToList();
                saved = await _client.CreateManyAsync(creates.Select(ToRecord), cancellationToken: cancellationToken).ConfigureAwait(false);
                var repeats = creates.Where((c, i) => !saved[i].IsSuccess && IsRepeat(c, saved[i].Errors)).ToList();
                if (repeats.Count > 0)
                {
                    var found = await FindCreatedAsync(repeats[0].ObjectName, repeats, cancellationToken).ConfigureAwait(false);
                    return [.. creates.Select((c, i) => !saved[i].IsSuccess && IsRepeat(c, saved[i].Errors) && found.TryGetValue(c.IdempotencyKey!, out var id)
                        ? Repeated(id)
                        : ToResult(c, saved[i]))];
                }

                break;
            case UpdateOperation:
                saved = await _client.UpdateManyAsync(operations.Cast<UpdateOperation>().Select(o =>
                {
                    var record = ToRecord(o.ObjectName, o.Fields);
                    record.Id = o.Id;
                    return record;
                }), cancellationToken: cancellationToken).ConfigureAwait(false);
                break;
            case UpsertOperation first:
                saved = await _client.UpsertManyAsync(operations.Cast<UpsertOperation>().Select(o =>
                {
                    var record = ToRecord(o.ObjectName, o.Fields);
                    record.Set(o.ExternalIdField, o.ExternalId);
                    return record;
                }), first.ExternalIdField, cancellationToken: cancellationToken).ConfigureAwait(false);
                break;
            default:
                saved = await _client.DeleteManyAsync(operations.Cast<DeleteOperation>().Select(o => o.Id), cancellationToken: cancellationToken).ConfigureAwait(false);
                break;
        }

        return [.. operations.Select((o, i) => ToResult(o, saved[i]))];
    }

    private static string GroupKey(Operation operation) => operation switch
    {
        UpsertOperation upsert => $"upsert:{upsert.ObjectName}:{upsert.ExternalIdField}".ToUpperInvariant(),
        DeleteOperation => "delete",
        _ => $"{operation.Kind}:{operation.ObjectName}".ToUpperInvariant(),
    };

    private static OperationResult ToResult(Operation operation, SaveResult saved)
    {
        if (saved.IsSuccess)
        {
            return operation switch
            {
                CreateOperation => OperationResult.Success(201, saved.Id),
                UpsertOperation => OperationResult.Success(saved.Created == true ? 201 : 200, saved.Id, saved.Created ?? false),
                UpdateOperation update => OperationResult.Success(200, saved.Id ?? update.Id),
                DeleteOperation delete => OperationResult.Success(200, saved.Id ?? delete.Id),
                _ => OperationResult.Success(200, saved.Id),
            };
        }

        var first = saved.Errors.Count > 0 ? saved.Errors[0] : new SalesforceError("UNKNOWN_ERROR", "Salesforce reported a failure without details.", []);
        if (operation is DeleteOperation deleted && first.ErrorCode == "ENTITY_IS_DELETED")
        {
            return AlreadyDeleted(deleted);
        }

        if (IsTransientCode(first.ErrorCode))
        {
            return OperationResult.Transient(first.ErrorCode == "REQUEST_LIMIT_EXCEEDED" ? 403 : 503, first.ErrorCode, first.Message, [.. saved.Errors.SelectMany(e => e.Fields).Distinct(StringComparer.Ordinal)]);
        }

        var status = first.ErrorCode is "ENTITY_IS_DELETED" or "NOT_FOUND" ? 404 : first.ErrorCode is "INSUFFICIENT_ACCESS_OR_READONLY" or "INSUFFICIENT_ACCESS" ? 403 : 400;
        return OperationResult.Failure(status, first.ErrorCode, first.Message, [.. saved.Errors.SelectMany(e => e.Fields).Distinct(StringComparer.Ordinal)]);
    }

    internal static SoqlQuery BuildFindQuery(FindOperation find)
    {
        var text = new StringBuilder("SELECT ");
        text.AppendJoin(", ", find.Fields.Select(f => SoqlIdentifier.Parse(f).Name));
        text.Append(" FROM ").Append(SoqlIdentifier.Parse(find.ObjectName).Name);
        var first = true;
        foreach (var (field, value) in find.Where)
        {
            text.Append(first ? " WHERE " : " AND ").Append(SoqlIdentifier.Parse(field).Name);
            first = false;
            if (value is JsonArray list)
            {
                text.Append(" IN ");
                SoqlLiteral.Append(text, list.Select(ToClr).ToList());
            }
            else
            {
                text.Append(" = ");
                SoqlLiteral.Append(text, ToClr(value));
            }
        }

        text.Append(System.Globalization.CultureInfo.InvariantCulture, $" LIMIT {find.Limit}");

        // Every name above is a validated identifier and every value a bound literal.
        return SoqlQuery.Raw(text.ToString());
    }

    private static object? ToClr(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
        // Validation refuses numbers a decimal cannot hold; a request built in code may still carry one.
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => decimal.TryParse(v.ToJsonString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new ArgumentException($"{v.ToJsonString()} is outside the range of numbers Salesforce accepts."),
        _ => throw new ArgumentException($"Cannot compare with {node.ToJsonString()}."),
    };

    private SObject ToRecord(CreateOperation create)
    {
        var record = ToRecord(create.ObjectName, create.Fields);
        if (create.IdempotencyKey is { } key && _idempotencyFields.TryGetValue(create.ObjectName, out var field))
        {
            record[field] = IdempotencyFieldValue(key);
        }

        return record;
    }

    private static SObject ToRecord(string objectName, JsonObject fields)
    {
        var record = new SObject(objectName);
        foreach (var (name, value) in fields)
        {
            record[name] = value?.DeepClone();
        }

        return record;
    }

    private static bool IsExpected(SalesforceException e) =>
        !e.IsLoginFailure && (e.StatusCode is >= 400 and < 500 || e.IsApiUsageGuard);

    private static OperationResult ToResult(SalesforceException e)
    {
        var code = e.ErrorCode ?? $"ERROR_HTTP_{e.StatusCode}";
        // The guard answered for Salesforce, which would have refused with 429 once the limit was reached.
        var status = e.IsApiUsageGuard ? 429 : e.StatusCode;
        return e.IsApiUsageGuard || IsTransientCode(code) || e.StatusCode == 429
            ? OperationResult.Transient(status, code, e.Description ?? e.Message, e.Fields)
            : OperationResult.Failure(status, code, e.Description ?? e.Message, e.Fields);
    }

    // Refusals that say "not now" rather than "not this": nothing was written, and the same request may pass later.
    private static bool IsTransientCode(string code) =>
        code is "UNABLE_TO_LOCK_ROW" or "REQUEST_LIMIT_EXCEEDED" or "SERVER_UNAVAILABLE";
}
