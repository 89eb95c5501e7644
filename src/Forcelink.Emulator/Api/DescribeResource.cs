using System.Text.Json;
using Forcelink.Emulator.Org;
using Forcelink.Emulator.Schema;

namespace Forcelink.Emulator.Api;

/// <summary>What the REST API says about itself and its objects: the resource list, describe global, an object's basic
/// information and its full describe.</summary>
internal sealed class DescribeResource(EmulatedOrg org)
{
    private static readonly string[] ResourceNames = ["sobjects", "query", "queryAll", "search", "parameterizedSearch", "composite", "limits"];

    public static ApiResult Resources(ApiCall call) => ApiResult.Json(200, w =>
    {
        w.WriteStartObject();
        foreach (var name in ResourceNames)
        {
            w.WriteString(name, $"{call.VersionPrefix}/{name}");
        }

        w.WriteEndObject();
    });

    public ApiResult DescribeGlobal(ApiCall call) => ApiResult.Json(200, w =>
    {
        w.WriteStartObject();
        w.WriteString("encoding", "UTF-8");
        w.WriteNumber("maxBatchSize", 200);
        w.WriteStartArray("sobjects");
        foreach (var schema in org.Store.Objects.OrderBy(o => o.Name, StringComparer.Ordinal))
        {
            if (org.Directory.PermissionsFor(call.Session.User, schema.Name).Read)
            {
                w.WriteStartObject();
                WriteObjectSummary(w, schema, call.Session, call.Version);
                w.WriteEndObject();
            }
        }

        w.WriteEndArray();
        w.WriteEndObject();
    });

    public ApiResult BasicInfo(ApiCall call, ObjectSchema schema) => ApiResult.Json(200, w =>
    {
        w.WriteStartObject();
        w.WriteStartObject("objectDescribe");
        WriteObjectSummary(w, schema, call.Session, call.Version);
        w.WriteEndObject();
        w.WriteStartArray("recentItems");
        var nameField = schema.Find("Name") ?? schema.Find("CaseNumber");
        foreach (var row in org.Store.Rows(schema.Name, includeDeleted: false)
            .OrderByDescending(r => r.GetValueOrDefault("LastModifiedDate") as DateTimeOffset?).Take(5))
        {
            RecordJson.Write(w, schema, row, call.Version, nameField is null ? [schema.Find("Id")!] : [schema.Find("Id")!, nameField]);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    });

    public ApiResult Describe(ApiCall call, ObjectSchema schema) => ApiResult.Json(200, w =>
    {
        w.WriteStartObject();
        WriteObjectSummary(w, schema, call.Session, call.Version);
        DescribeWriter.WriteDescribeExtras(w, new UserCatalog(org, call.Session.User).ChildRelationships(schema.Name));
        w.WriteStartArray("fields");
        foreach (var f in schema.Fields)
        {
            DescribeWriter.WriteField(w, f);
        }

        w.WriteEndArray();
        DescribeWriter.WriteRecordTypes(w);
        w.WriteEndObject();
    });

    private void WriteObjectSummary(Utf8JsonWriter w, ObjectSchema schema, Session session, string version) =>
        DescribeWriter.WriteSummary(w, schema, org.Directory.PermissionsFor(session.User, schema.Name), version);
}
