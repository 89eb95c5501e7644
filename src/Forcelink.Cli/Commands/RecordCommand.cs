using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Forcelink.Cli.Configuration;
using Forcelink.Operations;

namespace Forcelink.Cli.Commands;

/// <summary><c>forcelink lead|case ...</c>: the Lambda's operations on one object, from a shell.</summary>
internal sealed class RecordCommand : Command
{
    public RecordCommand(string name, string objectName, CliContext context)
        : base(name, $"Find, get, create, update, upsert and delete {objectName} records, exactly as the Lambda function does.")
    {
        foreach (var operation in new[] { "find", "get", "create", "update", "upsert", "delete" })
        {
            Subcommands.Add(new RecordOperationCommand(operation, objectName, context));
        }
    }
}

/// <summary>
/// One operation on one object. The options become the same JSON request a Lambda event carries, and
/// <see cref="OperationHandler"/> runs it, so validation, policy and errors cannot differ from the deployed function.
/// </summary>
internal sealed partial class RecordOperationCommand : CliCommand
{
    private readonly string _operation;
    private readonly string _objectName;
    private readonly Option<bool> _json = JsonOption.Create();
    private readonly Option<string?> _id = new("--id") { Description = "The record id: 15 or 18 letters and digits, such as 00Q5g00000AbCdEEAV.", HelpName = "ID" };
    private readonly Option<string[]> _field = new("--field", "-f")
    {
        Description = "A field to set, repeatable: Name=value sets text; Name:=JSON sets a number, boolean or null (Amount:=12.5, IsEscalated:=true, Phone:=null).",
        HelpName = "NAME=VALUE",
    };
    private readonly Option<string[]> _where = new("--where", "-w")
    {
        Description = "A condition, repeatable and ANDed: Email=doe@example.com (equals); Name:=JSON for numbers, booleans and null; the same field twice means IN.",
        HelpName = "NAME=VALUE",
    };
    private readonly Option<string?> _fields = new("--fields") { Description = "Fields to return, comma-separated: Id,Name,Email.", HelpName = "A,B,C" };
    private readonly Option<int?> _limit = new("--limit") { Description = $"Most records to return (1 to {OperationRequest.MaxLimit}; default {OperationRequest.DefaultLimit}).", HelpName = "N" };
    private readonly Option<string?> _externalIdField = new("--external-id-field") { Description = "The external id field to match on, such as Email or External_Id__c.", HelpName = "FIELD" };
    private readonly Option<string?> _externalId = new("--external-id") { Description = "The external id value.", HelpName = "VALUE" };

    public RecordOperationCommand(string operation, string objectName, CliContext context)
        : base(operation, Describe(operation, objectName), context)
    {
        _operation = operation;
        _objectName = objectName;
        _id.Required = operation is "get" or "update" or "delete";
        _id.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } id && !SalesforceNames.IsId(id))
            {
                result.AddError($"--id '{id}' is not a Salesforce record id: an id is 15 or 18 letters and digits, such as 00Q5g00000AbCdEEAV.");
            }
        });
        _field.Required = operation is "create" or "update" or "upsert";
        _where.Required = operation == "find";
        _externalIdField.Required = _externalId.Required = operation == "upsert";
        Options.Add(_json);
        switch (operation)
        {
            case "find":
                Options.Add(_where);
                Options.Add(_fields);
                Options.Add(_limit);
                break;
            case "get":
                Options.Add(_id);
                Options.Add(_fields);
                break;
            case "create":
                Options.Add(_field);
                break;
            case "update":
                Options.Add(_id);
                Options.Add(_field);
                break;
            case "upsert":
                Options.Add(_externalIdField);
                Options.Add(_externalId);
                Options.Add(_field);
                break;
            default:
                Options.Add(_id);
                break;
        }
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var request = BuildRequest(parseResult);
        var json = parseResult.GetValue(_json);
        using var connection = await OrgConnection.OpenAsync(Context, parseResult.GetValue<string?>(GlobalOptions.OrgName), cancellationToken);
        List<string>? columns = null;
        if (_operation == "find" && request.Fields is null && !json)
        {
            // Without --fields the handler returns every field the policy allows (36 for Lead): unreadable as a table.
            // A person gets the fields that say which record it is; --json keeps the Lambda's exact answer.
            columns = DefaultFindFields(connection.Handler.Policy, request.Where!.AsObject().Select(p => p.Key));
            if (columns.Count > 0)
            {
                request = request with { Fields = new JsonArray([.. columns.Select(f => (JsonNode?)f)]) };
            }
        }

        var result = await connection.Handler.HandleAsync(request, cancellationToken);
        return await OperationOutput.WriteAsync(Context, result, json, _operation, _objectName, columns);
    }

    /// <summary>The record's id and name-like fields, then the fields of the where clause; only those the policy allows.</summary>
    private List<string> DefaultFindFields(OperationPolicy policy, IEnumerable<string> whereFields)
    {
        string[] names = _objectName switch
        {
            "Lead" => ["Id", "Name", "Company", "Email", "Status"],
            "Case" => ["Id", "CaseNumber", "Subject", "Status", "Priority"],
            _ => ["Id", "Name"],
        };
        var fields = new List<string>();
        foreach (var field in names.Concat(whereFields))
        {
            var name = policy.FieldName(_objectName, field) ?? field;
            if (policy.AllowsField(_objectName, name) && !fields.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                fields.Add(name);
            }
        }

        return fields;
    }

    private OperationRequest BuildRequest(ParseResult parseResult)
    {
        var request = new OperationRequest { OperationName = _operation, ObjectName = _objectName, Id = parseResult.GetValue(_id) };

        if (_operation is "create" or "update" or "upsert")
        {
            var fields = new JsonObject();
            foreach (var (name, value) in (parseResult.GetValue(_field) ?? []).Select(a => Assignment.Parse(a, "--field")))
            {
                fields[name] = value;
            }

            request = request with { Fields = fields };
        }

        if (_operation == "find")
        {
            var where = new JsonObject();
            foreach (var (name, value) in (parseResult.GetValue(_where) ?? []).Select(a => Assignment.Parse(a, "--where")))
            {
                // The same field twice means "any of these values" (IN), as a list does in the Lambda event.
                switch (where[name])
                {
                    case JsonArray list:
                        list.Add(value);
                        break;
                    case { } first:
                        where[name] = new JsonArray(first.DeepClone(), value);
                        break;
                    default:
                        where[name] = where.ContainsKey(name) ? new JsonArray(null, value) : value;
                        break;
                }
            }

            request = request with { Where = where, Limit = parseResult.GetValue(_limit) is { } limit ? JsonValue.Create(limit) : null };
        }

        if (_operation is "find" or "get" && parseResult.GetValue(_fields) is { } names)
        {
            request = request with { Fields = new JsonArray([.. names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(f => (JsonNode?)f)]) };
        }

        if (_operation == "upsert")
        {
            request = request with { ExternalIdField = parseResult.GetValue(_externalIdField), ExternalId = parseResult.GetValue(_externalId) is { } value ? JsonValue.Create(value) : null };
        }

        return request;
    }

    private static string Describe(string operation, string objectName) => operation switch
    {
        "find" => $"Find {objectName} records whose fields equal the given values.",
        "get" => $"Read one {objectName} by id.",
        "create" => $"Create a {objectName}.",
        "update" => $"Update fields of a {objectName}.",
        "upsert" => $"Create or update a {objectName} matched by an external id field.",
        _ => $"Delete a {objectName} by id.",
    };
}

/// <summary>Reads <c>Name=text</c> and <c>Name:=JSON</c> from the command line.</summary>
internal static class Assignment
{
    public static (string Name, JsonNode? Value) Parse(string text, string option)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            throw new CliException(ExitCodes.Usage, $"{option} '{text}' must be NAME=VALUE (or NAME:=JSON for numbers, booleans and null).");
        }

        if (text[equals - 1] == ':')
        {
            var name = text[..(equals - 1)];
            try
            {
                return (name, JsonNode.Parse(text[(equals + 1)..]));
            }
            catch (JsonException)
            {
                throw new CliException(ExitCodes.Usage, $"{option} '{text}': the value after := must be JSON, such as 12.5, true, null or \"text\".");
            }
        }

        return (text[..equals], JsonValue.Create(text[(equals + 1)..]));
    }
}

/// <summary>Writes an <see cref="OperationResult"/>: its exact JSON for scripts, or a table; and maps it to an exit code.</summary>
internal static class OperationOutput
{
    public static async Task<int> WriteAsync(CliContext context, OperationResult result, bool json, string operation, string objectName, IReadOnlyList<string>? columns = null)
    {
        if (json)
        {
            await context.Output.WriteLineAsync(result.ToString());
        }
        else if (result.IsSuccess)
        {
            if (result.Records is { } records)
            {
                await RecordTable.WriteRecordsAsync(context, [.. records.OfType<JsonObject>()], columns);
            }
            else if (result.Record is { } record)
            {
                await RecordTable.WriteRecordAsync(context, record);
            }
            else
            {
                await context.Output.WriteLineAsync($"{Verb(operation, result)} {objectName} {result.Id} ({result.StatusCode}).");
            }
        }

        if (!result.IsSuccess)
        {
            await context.Error.WriteLineAsync($"error: {result.ErrorCode}: {result.ErrorMessage}" +
                (result.ErrorFields.Count > 0 ? $" (fields: {string.Join(", ", result.ErrorFields)})" : ""));
        }

        return ExitCode(result);
    }

    public static int ExitCode(OperationResult result) => result switch
    {
        { IsSuccess: true } => ExitCodes.Success,
        { StatusCode: 404 } => ExitCodes.NotFound,
        { StatusCode: 401 } => ExitCodes.AuthFailed,
        _ => ExitCodes.Failure,
    };

    private static string Verb(string operation, OperationResult result) => (operation, result.Created) switch
    {
        ("upsert", true) or ("create", _) => "Created",
        ("upsert", _) or ("update", _) => "Updated",
        ("delete", _) => "Deleted",
        _ => "Done:",
    };
}
