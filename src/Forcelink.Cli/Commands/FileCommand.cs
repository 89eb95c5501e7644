using System.CommandLine;
using System.Text.Json.Nodes;
using Forcelink.Cli.Configuration;
using Forcelink.Records;
using Forcelink.Models;

namespace Forcelink.Cli.Commands;

/// <summary><c>forcelink file upload|list|download</c>: Salesforce Files on records, such as a Case's attachments.</summary>
internal sealed partial class FileCommand : Command
{
    public FileCommand(CliContext context)
        : base("file", "Upload files to records (Salesforce Files), list a record's files and download them.")
    {
        Subcommands.Add(new FileUploadCommand(context));
        Subcommands.Add(new FileListCommand(context));
        Subcommands.Add(new FileDownloadCommand(context));
    }

    public static Option<string> RecordOption(string description) => new("--record", "-r") { Description = description, Required = true, HelpName = "ID" };

    public static void CheckId(string id, string what)
    {
        if (!SalesforceNames.IsId(id))
        {
            throw new CliException(ExitCodes.Usage, $"{what} '{id}' is not a Salesforce record id: an id is 15 or 18 letters and digits, such as 5005g00000AbCdEAAV.");
        }
    }

    public static JsonObject ToJson(SalesforceFile file) => new()
    {
        ["contentDocumentId"] = file.ContentDocumentId,
        ["contentVersionId"] = file.ContentVersionId,
        ["title"] = file.Title,
        ["fileExtension"] = file.FileExtension,
        ["fileType"] = file.FileType,
        ["contentSize"] = file.ContentSize,
        ["checksum"] = file.Checksum,
        ["createdDate"] = file.CreatedDate is { } created ? SalesforceDateTime.Format(created) : null,
    };
}

/// <summary>Streams a local file to Salesforce as a ContentVersion linked to a record: constant memory for any size up to 2 GB.</summary>
internal sealed class FileUploadCommand : CliCommand
{
    private readonly Argument<string> _file = new("FILE") { Description = "The file to upload." };
    private readonly Option<string> _record = FileCommand.RecordOption("The record to attach the file to, such as a Case or a Lead.");
    private readonly Option<string?> _title = new("--title", "-t") { Description = "The title shown in Salesforce (default: the file name without its extension).", HelpName = "TITLE" };
    private readonly Option<bool> _json = JsonOption.Create();

    public FileUploadCommand(CliContext context)
        : base("upload", "Upload a file and attach it to a record (a ContentVersion whose FirstPublishLocationId is the record).", context)
    {
        Arguments.Add(_file);
        Options.Add(_record);
        Options.Add(_title);
        Options.Add(_json);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var path = Context.ResolvePath(parseResult.GetValue(_file)!);
        var record = parseResult.GetValue(_record)!;
        FileCommand.CheckId(record, "--record");
        if (!File.Exists(path))
        {
            throw new CliException(ExitCodes.NotFound, $"{path} does not exist.");
        }

        using var connection = await OrgConnection.OpenAsync(Context, parseResult.GetValue<string?>(GlobalOptions.OrgName), cancellationToken);
        await using var content = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81_920, FileOptions.Asynchronous | FileOptions.SequentialScan);
        var file = await connection.Client.UploadFileAsync(new FileUpload(path, content) { RecordId = record, Title = parseResult.GetValue(_title) }, cancellationToken);
        if (parseResult.GetValue(_json))
        {
            await Output.WriteLineAsync(CliJson.Write(FileCommand.ToJson(file)));
            return ExitCodes.Success;
        }

        await Output.WriteLineAsync($"Uploaded {Path.GetFileName(path)} ({file.ContentSize:N0} bytes) to {record}.");
        await Output.WriteLineAsync($"File (ContentDocument): {file.ContentDocumentId}");
        await Output.WriteLineAsync($"Version (ContentVersion): {file.ContentVersionId}");
        return ExitCodes.Success;
    }
}

/// <summary>The files linked to a record.</summary>
internal sealed class FileListCommand : CliCommand
{
    private static readonly string[] Columns = ["ContentDocumentId", "ContentVersionId", "Title", "FileExtension", "ContentSize", "CreatedDate"];

    private readonly Option<string> _record = FileCommand.RecordOption("The record whose files to list.");
    private readonly Option<bool> _json = JsonOption.Create();

    public FileListCommand(CliContext context)
        : base("list", "List the files linked to a record, newest first.", context)
    {
        Options.Add(_record);
        Options.Add(_json);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var record = parseResult.GetValue(_record)!;
        FileCommand.CheckId(record, "--record");
        using var connection = await OrgConnection.OpenAsync(Context, parseResult.GetValue<string?>(GlobalOptions.OrgName), cancellationToken);
        var files = await connection.Client.ListFilesAsync(record, cancellationToken).ToListAsync(cancellationToken);
        if (parseResult.GetValue(_json))
        {
            await Output.WriteLineAsync(CliJson.Write(new JsonArray([.. files.Select(f => (JsonNode?)FileCommand.ToJson(f))])));
            return ExitCodes.Success;
        }

        var rows = files.Select(f => new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["ContentDocumentId"] = f.ContentDocumentId,
            ["ContentVersionId"] = f.ContentVersionId,
            ["Title"] = f.Title,
            ["FileExtension"] = f.FileExtension,
            ["ContentSize"] = f.ContentSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["CreatedDate"] = f.CreatedDate is { } created ? SalesforceDateTime.Format(created) : null,
        });
        var count = await RecordTable.WritePlainAsync(Output, rows.ToAsyncEnumerable(), Columns, cancellationToken);
        await Output.WriteLineAsync(count == 0 ? "No files." : $"{count:N0} file{(count == 1 ? "" : "s")}.");
        return ExitCodes.Success;
    }
}

/// <summary>Streams a file's bytes into a local file, written under a temporary name and renamed when complete.</summary>
internal sealed class FileDownloadCommand : CliCommand
{
    private readonly Argument<string> _id = new("ID") { Description = "The version (068...) to download, or the file (069...) whose latest version to download." };
    private readonly Option<string?> _out = new("--out", "-o") { Description = "The file to write (default: the file's name in Salesforce, in the working directory).", HelpName = "FILE" };
    private readonly Option<bool> _force = new("--force") { Description = "Overwrite the file if it exists." };

    public FileDownloadCommand(CliContext context)
        : base("download", "Download a file's bytes (a ContentVersion's VersionData) into a local file.", context)
    {
        Arguments.Add(_id);
        Options.Add(_out);
        Options.Add(_force);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var id = parseResult.GetValue(_id)!;
        FileCommand.CheckId(id, "ID");
        var force = parseResult.GetValue(_force);
        using var connection = await OrgConnection.OpenAsync(Context, parseResult.GetValue<string?>(GlobalOptions.OrgName), cancellationToken);
        var target = parseResult.GetValue(_out) is { } given ? Context.ResolvePath(given) : Context.ResolvePath(await NameOfAsync(connection.Client, id, cancellationToken));
        if (File.Exists(target) && !force)
        {
            throw new CliException(ExitCodes.Failure, $"{target} already exists: choose another --out, or add --force to replace it.");
        }

        if (Path.GetDirectoryName(target) is { } folder && !Directory.Exists(folder))
        {
            throw new CliException(ExitCodes.NotFound, $"the folder {folder} of --out does not exist: create it first, or choose another --out.");
        }

        var partial = target + ".partial";
        long bytes;
        try
        {
            await using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 81_920, FileOptions.Asynchronous))
            {
                bytes = await connection.Client.DownloadFileAsync(id, file, cancellationToken);
            }

            File.Move(partial, target, overwrite: force);
        }
        catch
        {
            File.Delete(partial);
            throw;
        }

        await Output.WriteLineAsync($"Downloaded {bytes:N0} bytes to {target}.");
        return ExitCodes.Success;
    }

    /// <summary>The name the file had when it was uploaded (PathOnClient), else its title and extension.</summary>
    private static async Task<string> NameOfAsync(SalesforceClient client, string id, CancellationToken cancellationToken)
    {
        var isDocument = id.StartsWith("069", StringComparison.Ordinal);
        var record = isDocument
            ? await client.GetAsync("ContentDocument", id, ["Title", "FileExtension"], cancellationToken)
            : await client.GetAsync("ContentVersion", id, ["PathOnClient", "Title", "FileExtension"], cancellationToken);
        var name = !isDocument && record.GetString("PathOnClient") is { Length: > 0 } path
            ? Path.GetFileName(path)
            : record.GetString("Title") + (record.GetString("FileExtension") is { Length: > 0 } extension ? "." + extension : "");
        // A name from the org is not trusted as a path: no folders, no characters the file system refuses.
        name = string.Concat(name.Select(c => Path.GetInvalidFileNameChars().Contains(c) ? '_' : c)).Trim();
        return name.Length == 0 || name is "." or ".." ? id : name;
    }
}
