using System.Text;
using System.Text.Json;
using Forcelink.Emulator.Api;
using Forcelink.Emulator.Org;
using Forcelink.Emulator.Records;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Forcelink.Emulator.Hosting;

/// <summary>
/// The two file calls whose bodies are too large to hold: a multipart ContentVersion insert, read part by part with the
/// bytes going straight to the blob store, and a VersionData download, streamed from it. Both do their I/O outside the
/// org gate, so a large transfer does not hold up other requests; only the record work takes it.
/// </summary>
internal sealed class FilesEndpoint(EmulatedOrg org, RestApi rest)
{
    /// <summary>Salesforce's limit for one ContentVersion upload through the REST API, plus room for the JSON part.</summary>
    private const long MaxUploadBytes = (2L * 1024 * 1024 * 1024) + (1024 * 1024);

    /// <summary>Salesforce's odd but real media type for blob reads.</summary>
    private const string BlobContentType = "application/octetstream";

    public static bool IsMultipart(HttpRequest request) => request.ContentType?.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase) == true;

    public async Task UploadAsync(HttpContext context, RestRequest request, CancellationToken cancellationToken)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxUploadBytes;
        }

        var boundary = MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var mediaType) ? HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value : null;
        if (string.IsNullOrEmpty(boundary))
        {
            await WriteAsync(context, Invalid("Multipart message has no boundary in its Content-Type"), cancellationToken);
            return;
        }

        string? entity = null;
        StagedBlob? blob = null;
        try
        {
            var reader = new MultipartReader(boundary, context.Request.Body) { BodyLengthLimit = MaxUploadBytes };
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                var name = section.GetContentDispositionHeader()?.Name.Value?.Trim('"');
                var isJson = section.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true;
                if (entity is null && (isJson || name?.StartsWith("entity_", StringComparison.Ordinal) == true))
                {
                    using var text = new StreamReader(section.Body, Encoding.UTF8);
                    entity = await text.ReadToEndAsync(cancellationToken);
                }
                else if (blob is null && string.Equals(name, "VersionData", StringComparison.OrdinalIgnoreCase))
                {
                    blob = await org.Blobs.StageAsync(section.Body, cancellationToken);
                }
                else
                {
                    blob = Discard(blob);
                    await WriteAsync(context, Invalid($"Binary part '{name}' names no blob field of ContentVersion: name it VersionData"), cancellationToken);
                    return;
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
        {
            Discard(blob);
            await WriteAsync(context, Invalid($"Multipart message could not be read: {e.Message}"), cancellationToken);
            return;
        }

        if (entity is null)
        {
            Discard(blob);
            await WriteAsync(context, Invalid("Multipart message must include a non-binary part"), cancellationToken);
            return;
        }

        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var call = new ApiCall("POST", request.Version, request.Segments, request.Query, headers, entity, request.Session);
        ApiResult result;
        await org.Gate.WaitAsync(cancellationToken);
        try
        {
            result = rest.Files.InsertVersion(call, JsonBodies.Parse(entity), blob);
        }
        catch (JsonException e)
        {
            result = ApiResult.Error(400, "JSON_PARSER_ERROR", e.Message);
        }
        finally
        {
            org.Gate.Release();
        }

        if (result.Status >= 300)
        {
            Discard(blob);
        }

        await WriteAsync(context, result, cancellationToken);
    }

    public async Task DownloadAsync(HttpContext context, RestRequest request, CancellationToken cancellationToken)
    {
        var id = request.Segments[2];
        var session = request.Session;
        ApiResult? refused;
        string versionId;
        long length;
        await org.Gate.WaitAsync(cancellationToken);
        try
        {
            refused = rest.Files.CheckDownload(session, id, out versionId, out length);
        }
        finally
        {
            org.Gate.Release();
        }

        if (refused is not null)
        {
            await WriteAsync(context, refused, cancellationToken);
            return;
        }

        context.Response.Headers["Sforce-Limit-Info"] = org.Usage.LimitInfo;
        context.Response.StatusCode = 200;
        context.Response.ContentType = BlobContentType;
        context.Response.ContentLength = length;
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        await using var source = org.Blobs.OpenRead(versionId);
        await source.CopyToAsync(context.Response.Body, cancellationToken);
    }

    private static StagedBlob? Discard(StagedBlob? blob)
    {
        if (blob is not null)
        {
            BlobStore.Discard(blob);
        }

        return null;
    }

    private static ApiResult Invalid(string message) => ApiResult.Error(400, "INVALID_MULTIPART_REQUEST", message);

    private Task WriteAsync(HttpContext context, ApiResult result, CancellationToken cancellationToken) =>
        ResponseWriter.WriteResultAsync(context, result, org.Usage.LimitInfo, cancellationToken);
}
