using System.Text.Json;

namespace Forcelink.Emulator.Api;

/// <summary>Outcome of one record write, rendered as a SaveResult / UpsertResult.</summary>
internal sealed record SaveResult(string? Id, IReadOnlyList<ApiError> Errors, bool? Created = null, IReadOnlyList<string>? MultipleMatches = null)
{
    public bool Success => Errors.Count == 0 && MultipleMatches is null;

    public static SaveResult Failed(ApiError error, string? id = null) => new(id, [error]);

    /// <summary>Collections shape: statusCode (not errorCode) and no <c>id</c> key when there is none.</summary>
    public void WriteCollectionItem(Utf8JsonWriter w, bool includeCreated)
    {
        w.WriteStartObject();
        if (Id is not null)
        {
            w.WriteString("id", Id);
        }

        w.WriteBoolean("success", Success);
        w.WriteStartArray("errors");
        foreach (var e in Errors)
        {
            w.WriteStartObject();
            w.WriteString("statusCode", e.Code);
            w.WriteString("message", e.Message);
            w.WriteStartArray("fields");
            foreach (var f in e.Fields ?? [])
            {
                w.WriteStringValue(f);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (includeCreated && Created is { } created)
        {
            w.WriteBoolean("created", created);
        }

        w.WriteEndObject();
    }

    /// <summary>Single-record success body, e.g. {"id","success":true,"errors":[]} (+created for upserts).</summary>
    public void WriteSingle(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("id", Id);
        w.WriteBoolean("success", true);
        w.WriteStartArray("errors");
        w.WriteEndArray();
        if (Created is { } created)
        {
            w.WriteBoolean("created", created);
        }

        w.WriteEndObject();
    }
}
