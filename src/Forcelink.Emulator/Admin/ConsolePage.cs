using System.Globalization;
using System.Text;
using Forcelink.Emulator.Org;
using Forcelink.Emulator.Records;

namespace Forcelink.Emulator.Admin;

/// <summary>The HTML page at <c>/__emulator/</c>: recent requests (tokens shortened) and each object's records.</summary>
internal static class ConsolePage
{
    private const int RecentRequests = 100;
    private const int RowsPerObject = 50;

    public static string Render(EmulatedOrg org)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Forcelink emulator</title>")
            .Append("<style>body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse;margin-bottom:1.5em}")
            .Append("td,th{border:1px solid #ccc;padding:2px 6px;font-size:13px;text-align:left}th{background:#eee}</style></head><body>")
            .Append(CultureInfo.InvariantCulture, $"<h1>Forcelink emulator — org {AdminApi.Encode(org.OrgId)}</h1>")
            .Append(CultureInfo.InvariantCulture, $"<p>API usage {org.ApiUsed}/{org.Options.DailyApiLimit} · active sessions {org.ActiveSessionCount}</p>")
            .Append("<h2>Recent requests</h2><table><tr><th>At (UTC)</th><th>Method</th><th>Path</th><th>Status</th><th>ms</th><th>Token</th></tr>");
        foreach (var entry in org.RequestLog.Reverse().Take(RecentRequests))
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td>{FieldValues.FormatDateTime(entry.At)}</td><td>{AdminApi.Encode(entry.Method)}</td><td>{AdminApi.Encode(entry.Path)}</td><td>{entry.Status}</td><td>{entry.DurationMilliseconds:0.0}</td><td>{AdminApi.Encode(entry.TokenPrefix)}</td></tr>");
        }

        html.Append("</table>");
        foreach (var schema in org.Store.Objects.OrderBy(o => o.Name, StringComparer.Ordinal))
        {
            var rows = org.Store.Rows(schema.Name, includeDeleted: false).Take(RowsPerObject).ToList();
            html.Append(CultureInfo.InvariantCulture, $"<h2>{AdminApi.Encode(schema.Name)} ({org.Store.Count(schema.Name, includeDeleted: false)})</h2>");
            if (rows.Count == 0)
            {
                continue;
            }

            var columns = schema.Fields.Where(f => f.Name is not ("IsDeleted" or "CreatedById" or "LastModifiedById" or "SystemModstamp")).Take(12).ToList();
            html.Append("<table><tr>");
            foreach (var column in columns)
            {
                html.Append(CultureInfo.InvariantCulture, $"<th>{AdminApi.Encode(column.Name)}</th>");
            }

            html.Append("</tr>");
            foreach (var row in rows)
            {
                html.Append("<tr>");
                foreach (var column in columns)
                {
                    var value = row.GetValueOrDefault(column.Name) switch
                    {
                        null => "",
                        DateTimeOffset d => FieldValues.FormatDateTime(d),
                        DateOnly d => FieldValues.FormatDate(d),
                        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                        var other => other.ToString(),
                    };
                    html.Append(CultureInfo.InvariantCulture, $"<td>{AdminApi.Encode(value)}</td>");
                }

                html.Append("</tr>");
            }

            html.Append("</table>");
        }

        return html.Append("</body></html>").ToString();
    }
}
