using System.Globalization;
using System.Text;
using System.Text.Json;
using Forcelink.Emulator.Api;
using Forcelink.Emulator.Ids;
using Forcelink.Emulator.Org;
using Forcelink.Emulator.Schema;

namespace Forcelink.Emulator.Bulk;

/// <summary>
/// Runs a closed ingest job: checks the upload as a whole (CSV syntax, line ending, header), then writes each row
/// through the REST save rules and streams the three result files. Rows succeed or fail one by one, as in Salesforce;
/// a job whose upload cannot be read fails as a whole and writes nothing.
/// </summary>
internal sealed class IngestProcessor(EmulatedOrg org, RecordWriter writer)
{
    private const string FieldNotFound = "InvalidBatch : Field name not found : ";

    /// <summary>Works through the job's upload under the org gate, then marks it processed.</summary>
    public void Process(BulkJob job, ObjectSchema schema, DateTimeOffset now, DateTimeOffset readyAt)
    {
        var header = new List<string>();
        var failure = job.HasData ? Check(job, schema, header) : null;
        if (failure is not null)
        {
            WriteHeaderOnly(job, header);
            job.UnprocessedIsUpload = true;
            job.Processed(now, readyAt, 0, 0, failure);
            return;
        }

        var (processed, failed) = header.Count == 0 ? (0L, 0L) : Apply(job, schema, header);
        if (header.Count == 0)
        {
            WriteHeaderOnly(job, header);
            WriteUnprocessed(job, header);
        }

        org.BulkJobs.CountRecords(processed);
        job.Processed(now, readyAt, processed, failed, null);
    }

    /// <summary>The job's <c>errorMessage</c> when the upload cannot be processed at all; fills <paramref name="header"/>.</summary>
    private static string? Check(BulkJob job, ObjectSchema schema, List<string> header)
    {
        using var input = OpenUpload(job);
        var reader = new CsvReader(input, job.Format.Delimiter);
        if (!reader.TryRead(header, out var error))
        {
            return null;
        }

        if (error is not null)
        {
            return ParseFailure(reader, error);
        }

        if (reader.FirstTerminator is { } terminator && terminator != job.Format.LineEnding)
        {
            return $"ClientInputError : LineEnding is invalid on user data. Current LineEnding setting is {job.Format.LineEndingName}";
        }

        using (var decoder = CsvRowDecoder.ForHeader(schema, header, out var unknown))
        {
            if (decoder is null)
            {
                return FieldNotFound + unknown;
            }
        }

        var row = new List<string>();
        while (reader.TryRead(row, out error))
        {
            if (error is not null)
            {
                return ParseFailure(reader, error);
            }

            if (row.Count > header.Count)
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"ClientInputError : Failed to parse CSV at line {reader.RecordLine}: the row has {row.Count} values, the header {header.Count} columns");
            }
        }

        return null;
    }

    private static string ParseFailure(CsvReader reader, string error) =>
        string.Create(CultureInfo.InvariantCulture, $"ClientInputError : Failed to parse CSV at line {reader.RecordLine}: {error}");

    private (long Processed, long Failed) Apply(BulkJob job, ObjectSchema schema, List<string> header)
    {
        using var input = OpenUpload(job);
        var reader = new CsvReader(input, job.Format.Delimiter);
        var row = new List<string>();
        reader.TryRead(row, out _);
        using var decoder = CsvRowDecoder.ForHeader(schema, header, out _)!;
        using var successes = CsvWriter.Create(job.SuccessPath, job.Format);
        using var failures = CsvWriter.Create(job.FailedPath, job.Format);
        WriteHeader(successes, ["sf__Id", "sf__Created"], header);
        WriteHeader(failures, ["sf__Id", "sf__Error"], header);
        WriteUnprocessed(job, header);
        var key = job.Operation switch
        {
            "upsert" => schema.Find(job.ExternalIdFieldName!)!,
            _ => schema.Find("Id")!,
        };
        var keyColumn = decoder.IndexOf(key.Name);
        long processed = 0;
        long failed = 0;
        while (reader.TryRead(row, out _))
        {
            if (processed % BulkJobStore.RecordsPerBatch == 0)
            {
                Commit();
                org.Store.Begin();
            }

            var result = ApplyRow(job, schema, decoder, key, keyColumn, row);
            processed++;
            if (result.Success)
            {
                successes.Quoted(result.Id);
                successes.Quoted(result.Created == true ? "true" : "false");
                WriteValues(successes, row, header.Count);
            }
            else
            {
                failed++;
                failures.Quoted(result.Id ?? "");
                failures.Quoted(Describe(result.Errors[0]));
                WriteValues(failures, row, header.Count);
            }
        }

        Commit();
        return (processed, failed);
    }

    private void Commit()
    {
        if (org.Store.InTransaction)
        {
            org.Store.Commit();
        }
    }

    private SaveResult ApplyRow(BulkJob job, ObjectSchema schema, CsvRowDecoder decoder, FieldDefinition key, int keyColumn, List<string> row)
    {
        var keyValue = keyColumn >= 0 && keyColumn < row.Count ? row[keyColumn] : "";
        if (job.Operation is "delete" or "hardDelete")
        {
            return Delete(job, schema, keyValue);
        }

        if (decoder.Decode(row, out var document) is { } invalid)
        {
            return SaveResult.Failed(invalid, job.Operation == "update" && RecordIds.TryNormalize(keyValue, out var id) ? id : null);
        }

        using (document)
        {
            return Save(job, schema, key, keyValue, document!.RootElement);
        }
    }

    private SaveResult Save(BulkJob job, ObjectSchema schema, FieldDefinition key, string keyValue, JsonElement record)
    {
        var session = job.Creator;
        switch (job.Operation)
        {
            case "insert":
                var created = writer.Create(schema, record, session);
                return created with { Created = created.Success ? true : null };
            case "update":
                if (keyValue.Length == 0)
                {
                    return SaveResult.Failed(new ApiError("MISSING_ARGUMENT", "Id not specified in an update call", []));
                }

                if (!RecordIds.TryNormalize(keyValue, out var id18) || !id18.StartsWith(schema.KeyPrefix, StringComparison.Ordinal))
                {
                    return SaveResult.Failed(RecordWriter.MalformedId(schema, keyValue));
                }

                return writer.Update(schema, id18, record, session) with { Created = false };
            default:
                if (keyValue.Length == 0 && key.Type != Records.FieldType.Id)
                {
                    return SaveResult.Failed(new ApiError("MISSING_ARGUMENT", $"{key.Name} not specified", []));
                }

                var upserted = writer.Upsert(schema, key, keyValue.Length == 0 ? null : keyValue, record, session);
                return upserted.MultipleMatches is { } matches
                    ? SaveResult.Failed(new ApiError("DUPLICATE_EXTERNAL_ID",
                        $"{key.Label}: more than one record found for external id field: [{string.Join(", ", matches)}]", [key.Name]))
                    : upserted;
        }
    }

    /// <summary>Delete rows answer as the SOAP/collections delete does (malformed id, unknown id), then by the save rules.</summary>
    private SaveResult Delete(BulkJob job, ObjectSchema schema, string text)
    {
        if (text.Length == 0)
        {
            return SaveResult.Failed(new ApiError("MISSING_ARGUMENT", "Id not specified in a delete call", []));
        }

        if (!RecordIds.TryNormalize(text, out var id18) || org.Store.FindByPrefix(id18) is null)
        {
            return SaveResult.Failed(new ApiError("MALFORMED_ID", $"malformed id {text}", []));
        }

        if (org.Store.Get(id18) is not { } found || found.Schema != schema)
        {
            return SaveResult.Failed(new ApiError("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", []), id18);
        }

        if (job.Operation == "delete")
        {
            return writer.Delete(schema, id18, job.Creator) with { Created = false };
        }

        // A hard delete also empties the recycle bin, so records already deleted qualify.
        if (!org.Directory.PermissionsFor(job.Creator.User, schema.Name).Delete)
        {
            return SaveResult.Failed(RecordWriter.Insufficient(), id18);
        }

        org.Store.Remove(schema, id18);
        return new SaveResult(id18, [], Created: false);
    }

    /// <summary><c>CODE:message:fields --</c>, as in recorded failedResults (fields joined by commas, none gives <c>:--</c>).</summary>
    public static string Describe(ApiError error) =>
        error.Fields is { Count: > 0 } fields
            ? $"{error.Code}:{error.Message}:{string.Join(',', fields)} --"
            : $"{error.Code}:{error.Message}:--";

    /// <summary>An aborted job that was never processed: empty result files, and its upload as the unprocessed rows.</summary>
    public static void Abandon(BulkJob job)
    {
        var header = new List<string>();
        if (job.HasData)
        {
            using var input = OpenUpload(job);
            if (new CsvReader(input, job.Format.Delimiter).TryRead(header, out var error) && error is not null)
            {
                header.Clear();
            }
        }

        WriteHeaderOnly(job, header);
        job.UnprocessedIsUpload = job.HasData;
    }

    private static void WriteHeader(CsvWriter csv, string[] leading, List<string> header)
    {
        if (leading.Length == 0 && header.Count == 0)
        {
            return;
        }

        foreach (var name in leading)
        {
            csv.Quoted(name);
        }

        foreach (var name in header)
        {
            csv.Name(name);
        }

        csv.EndRow();
    }

    private static void WriteValues(CsvWriter csv, List<string> row, int columns)
    {
        for (var i = 0; i < columns; i++)
        {
            csv.Quoted(i < row.Count ? row[i] : "");
        }

        csv.EndRow();
    }

    private static void WriteHeaderOnly(BulkJob job, List<string> header)
    {
        using (var successes = CsvWriter.Create(job.SuccessPath, job.Format))
        {
            WriteHeader(successes, ["sf__Id", "sf__Created"], header);
        }

        using var failures = CsvWriter.Create(job.FailedPath, job.Format);
        WriteHeader(failures, ["sf__Id", "sf__Error"], header);
    }

    /// <summary>A processed job leaves no row unprocessed: its file is the header alone.</summary>
    private static void WriteUnprocessed(BulkJob job, List<string> header)
    {
        using var unprocessed = CsvWriter.Create(job.UnprocessedPath, job.Format);
        WriteHeader(unprocessed, [], header);
    }

    private static StreamReader OpenUpload(BulkJob job) =>
        new(new FileStream(job.UploadPath, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
}
