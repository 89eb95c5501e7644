using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Forcelink.Records;
using Forcelink.Rest;
using Forcelink.Soql;

namespace Forcelink.Operations;

/// <summary>
/// Runs operations with a <see cref="SalesforceClient"/>: the one place where the Lambda and the CLI turn requests into
/// Salesforce calls, so their behaviour cannot drift. Expected failures (a refused request, a record Salesforce rejects)
/// become results; unexpected ones (a failed login, Salesforce unavailable after retries) propagate.
/// </summary>
/// <param name="client">The client to call Salesforce with.</param>
/// <param name="policy">What callers may do; by default <see cref="OperationPolicy.Default"/>.</param>
public sealed class OperationHandler(SalesforceClient client, OperationPolicy? policy = null)
{
    private readonly SalesforceClient _client = client ?? throw new ArgumentNullException(nameof(client));

    /// <summary>The policy requests are checked against.</summary>
    public OperationPolicy Policy { get; } = policy ?? OperationPolicy.Default;

    /// <summary>Validates and runs one request.</summary>
    public async Task<OperationResult> HandleAsync(OperationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (operation, error) = request.Validate(Policy);
        return operation is null ? error! : await ExecuteAsync(operation, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Validates and runs one request given as JSON.</summary>
    public async Task<OperationResult> HandleAsync(ReadOnlyMemory<byte> json, CancellationToken cancellationToken = default)
    {
        var (request, error) = OperationRequest.Parse(json.Span);
        return request is null ? error! : await HandleAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs a validated operation.</summary>
    public async Task<OperationResult> ExecuteAsync(Operation operation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        try
        {
            return operation switch
            {
                CreateOperation create => OperationResult.Success(201, await _client.CreateAsync(ToRecord(create.ObjectName, create.Fields), cancellationToken).ConfigureAwait(false)),
                GetOperation get => await GetAsync(get, cancellationToken).ConfigureAwait(false),
                FindOperation find => await FindAsync(find, cancellationToken).ConfigureAwait(false),
                UpdateOperation update => await UpdateAsync(update, cancellationToken).ConfigureAwait(false),
                UpsertOperation upsert => await UpsertAsync(upsert, cancellationToken).ConfigureAwait(false),
                DeleteOperation delete => await DeleteAsync(delete, cancellationToken).ConfigureAwait(false),
                _ => throw new ArgumentException($"Unknown operation {operation.GetType().Name}.", nameof(operation)),
            };
        }
        catch (SalesforceException e) when (IsExpected(e))
        {
            return ToResult(e);
        }
    }

    /// <summary>
    /// Validates and runs many requests, writing creates, updates, upserts and deletes of the same object together in
    /// sObject Collections calls of 200 (one API call each) instead of one call per record. Results come in input order.
    /// </summary>
    public async Task<IReadOnlyList<OperationResult>> HandleBatchAsync(IReadOnlyList<OperationRequest> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var results = new OperationResult?[requests.Count];
        var valid = new List<Operation>(requests.Count);
        var positions = new List<int>(requests.Count);
        for (var i = 0; i < requests.Count; i++)
        {
            var (operation, error) = requests[i].Validate(Policy);
            if (operation is null)
            {
                results[i] = error;
                continue;
            }

            valid.Add(operation);
            positions.Add(i);
        }

        var ran = await ExecuteBatchAsync(valid, cancellationToken).ConfigureAwait(false);
        for (var j = 0; j < ran.Count; j++)
        {
            results[positions[j]] = ran[j];
        }

        return results!;
    }

    /// <summary>
    /// Runs many validated operations (from <see cref="OperationRequest.Validate"/>), writing creates, updates, upserts
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

            IReadOnlyList<SaveResult> saved;
            try
            {
                saved = await WriteGroupAsync(items.Select(i => i.Operation).ToList(), cancellationToken).ConfigureAwait(false);
            }
            catch (SalesforceException e) when (IsExpected(e))
            {
                foreach (var item in items)
                {
                    results[item.Index] = ToResult(e);
                }

                continue;
            }

            for (var j = 0; j < items.Count; j++)
            {
                results[items[j].Index] = ToResult(items[j].Operation, saved[j]);
            }
        }

        for (var i = 0; i < operations.Count; i++)
        {
            results[i] ??= await ExecuteAsync(operations[i], cancellationToken).ConfigureAwait(false);
        }

        return results!;
    }

    private async Task<OperationResult> GetAsync(GetOperation get, CancellationToken cancellationToken)
    {
        var record = await _client.GetAsync(get.ObjectName, get.Id, get.Fields, cancellationToken).ConfigureAwait(false);
        return OperationResult.WithRecord(record.Id, Strip(record.Fields));
    }

    private async Task<OperationResult> FindAsync(FindOperation find, CancellationToken cancellationToken)
    {
        var records = new JsonArray();
        await foreach (var record in _client.QueryAsync(BuildFindQuery(find), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            records.Add((JsonNode)Strip(record.Fields));
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

    private async Task<IReadOnlyList<SaveResult>> WriteGroupAsync(List<Operation> operations, CancellationToken cancellationToken)
    {
        switch (operations[0])
        {
            case CreateOperation:
                return await _client.CreateManyAsync(operations.Cast<CreateOperation>().Select(o => ToRecord(o.ObjectName, o.Fields)), cancellationToken: cancellationToken).ConfigureAwait(false);
            case UpdateOperation:
                return await _client.UpdateManyAsync(operations.Cast<UpdateOperation>().Select(o =>
                {
                    var record = ToRecord(o.ObjectName, o.Fields);
                    record.Id = o.Id;
                    return record;
                }), cancellationToken: cancellationToken).ConfigureAwait(false);
            case UpsertOperation first:
                return await _client.UpsertManyAsync(operations.Cast<UpsertOperation>().Select(o =>
                {
                    var record = ToRecord(o.ObjectName, o.Fields);
                    record.Set(o.ExternalIdField, o.ExternalId);
                    return record;
                }), first.ExternalIdField, cancellationToken: cancellationToken).ConfigureAwait(false);
            default:
                return await _client.DeleteManyAsync(operations.Cast<DeleteOperation>().Select(o => o.Id), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    private static string GroupKey(Operation operation) => operation switch
    {
        UpsertOperation upsert => $"upsert:{upsert.ObjectName}:{upsert.ExternalIdField}".ToUpperInvariant(),
        DeleteOperation => "delete",
        _ => $"{operation.Kind}:{operation.ObjectName}".ToUpperInvariant(),
    };

    private static OperationResult ToResult(Operation operation, SaveResult saved)
    {
        if (saved.Success)
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

    private static SObject ToRecord(string objectName, JsonObject fields)
    {
        var record = new SObject(objectName);
        foreach (var (name, value) in fields)
        {
            record[name] = value?.DeepClone();
        }

        return record;
    }

    private static JsonObject Strip(JsonObject fields)
    {
        var copy = new JsonObject();
        foreach (var (name, value) in fields)
        {
            if (name != "attributes")
            {
                copy[name] = value is JsonObject nested ? Strip(nested) : value?.DeepClone();
            }
        }

        return copy;
    }

    private static bool IsExpected(SalesforceException e) =>
        !e.IsLoginFailure && (e.StatusCode is >= 400 and < 500 || e.ErrorCode == "API_USAGE_GUARD");

    private static OperationResult ToResult(SalesforceException e) =>
        OperationResult.Failure(e.ErrorCode == "API_USAGE_GUARD" ? 429 : e.StatusCode, e.ErrorCode ?? $"ERROR_HTTP_{e.StatusCode}", e.Description ?? e.Message, e.Fields);
}
