using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Forcelink.IntegrationTests.Emulator;

/// <summary>Salesforce Files on the wire: the documented multipart insert, base64 inserts, links, downloads and deletes.</summary>
public sealed class FilesTests
{
    /// <summary>The request body of Salesforce's own multipart example (Insert or Update Blob Data), for a ContentVersion.</summary>
    private static string DocumentedBody(string caseId) =>
        "--boundary_string\r\n" +
        "Content-Disposition: form-data; name=\"entity_content\";\r\n" +
        "Content-Type: application/json\r\n\r\n" +
        $$"""{"Title":"Marketing Brochure Q1","PathOnClient":"2011Q1MktgBrochure.pdf","FirstPublishLocationId":"{{caseId}}"}""" + "\r\n\r\n" +
        "--boundary_string\r\n" +
        "Content-Type: application/pdf\r\n" +
        "Content-Disposition: form-data; name=\"VersionData\"; filename=\"2011Q1MktgBrochure.pdf\"\r\n\r\n" +
        "Binary data goes here.\r\n" +
        "--boundary_string--\r\n";

    [Fact]
    public async Task MultipartInsert_DocumentedShape_CreatesVersionDocumentAndLinks()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var caseId = await emulator.CreateAsync(token, "Case", new { Subject = "Brochure" });

        var response = await PostMultipartAsync(emulator, token, DocumentedBody(caseId));
        var saved = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var id = (string)saved["id"]!;
        var (_, version, _) = await emulator.CallAsync(HttpMethod.Get, $"sobjects/ContentVersion/{id}", token);
        var documentId = (string)version!["ContentDocumentId"]!;
        var (_, document, _) = await emulator.CallAsync(HttpMethod.Get, $"sobjects/ContentDocument/{documentId}", token);
        var (_, links, _) = await emulator.CallAsync(HttpMethod.Get,
            "query?q=" + Uri.EscapeDataString($"SELECT LinkedEntityId, ShareType, Visibility FROM ContentDocumentLink WHERE ContentDocumentId = '{documentId}' ORDER BY ShareType"), token);

        Assert.Equal(201, (int)response.StatusCode);
        Assert.Equal(EmulatorFixture.Compact($$"""{"id":"{{id}}","success":true,"errors":[]}"""), saved.ToJsonString());
        Assert.Equal($"/services/data/v62.0/sobjects/ContentVersion/{id}", response.Headers.Location!.OriginalString);
        Assert.StartsWith("068", id, StringComparison.Ordinal);
        Assert.Equal(("Marketing Brochure Q1", 22, "PDF", "pdf", true, "1"),
            ((string?)version["Title"], (int?)version["ContentSize"], (string?)version["FileType"], (string?)version["FileExtension"], (bool?)version["IsLatest"], (string?)version["VersionNumber"]));
        Assert.Equal($"/services/data/v62.0/sobjects/ContentVersion/{id}/VersionData", (string?)version["VersionData"]);
        Assert.Equal((id, 22), ((string?)document!["LatestPublishedVersionId"], (int?)document["ContentSize"]));
        var userId = emulator.Host.Org.FindUser(EmulatorFixture.Username)!.Id;
        Assert.Equal(EmulatorFixture.Compact($$"""
            [{"LinkedEntityId":"{{userId}}","ShareType":"I","Visibility":"AllUsers"},{"LinkedEntityId":"{{caseId}}","ShareType":"V","Visibility":"AllUsers"}]
            """), new JsonArray([.. links!["records"]!.AsArray().Select(r => (JsonNode?)new JsonObject
            {
                ["LinkedEntityId"] = r!["LinkedEntityId"]!.DeepClone(), ["ShareType"] = r["ShareType"]!.DeepClone(), ["Visibility"] = r["Visibility"]!.DeepClone(),
            })]).ToJsonString());
    }

    [Fact]
    public async Task JsonInsert_Base64_DownloadsTheBytesAsOctetstream()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var bytes = new byte[] { 0, 1, 2, 253, 254, 255 };

        var id = await emulator.CreateAsync(token, "ContentVersion", new { PathOnClient = "raw.bin", VersionData = Convert.ToBase64String(bytes) });
        var download = await emulator.SendAsync(HttpMethod.Get, $"sobjects/ContentVersion/{id}/VersionData", token);

        Assert.Equal(200, (int)download.StatusCode);
        Assert.Equal("application/octetstream", EmulatorFixture.RawContentType(download));
        Assert.Equal(bytes, await download.Content.ReadAsByteArrayAsync());
        Assert.NotNull(download.Headers.GetValues("Sforce-Limit-Info").Single());
    }

    [Fact]
    public async Task Inserts_WithoutTheirParts_AreRefusedAsSalesforceDoes()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();

        var binaryOnly = await PostMultipartAsync(emulator, token,
            "--b\r\nContent-Disposition: form-data; name=\"VersionData\"; filename=\"a.txt\"\r\n\r\nhello\r\n--b--\r\n", "b");
        var (noData, noDataBody, _) = await emulator.CallAsync(HttpMethod.Post, "sobjects/ContentVersion", token, new { PathOnClient = "a.txt" });
        var (noPath, noPathBody, _) = await emulator.CallAsync(HttpMethod.Post, "sobjects/ContentVersion", token, new { VersionData = "aGk=" });

        Assert.Equal(400, (int)binaryOnly.StatusCode);
        Assert.Equal("""[{"message":"Multipart message must include a non-binary part","errorCode":"INVALID_MULTIPART_REQUEST"}]""", await binaryOnly.Content.ReadAsStringAsync());
        Assert.Equal((400, "REQUIRED_FIELD_MISSING", "VersionData"), (noData, (string?)noDataBody![0]!["errorCode"], (string?)noDataBody[0]!["fields"]![0]));
        Assert.Equal((400, "REQUIRED_FIELD_MISSING", "PathOnClient"), (noPath, (string?)noPathBody![0]!["errorCode"], (string?)noPathBody[0]!["fields"]![0]));
        Assert.Equal(0, emulator.Host.Org.Store.Count("ContentVersion", includeDeleted: true));
    }

    [Fact]
    public async Task DeleteDocument_DeletesItsVersionsAndLinks()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var leadId = await emulator.CreateAsync(token, "Lead", new { LastName = "Doe", Company = "Acme" });
        var versionId = await emulator.CreateAsync(token, "ContentVersion", new { PathOnClient = "a.txt", VersionData = "aGk=", FirstPublishLocationId = leadId });
        var (_, version, _) = await emulator.CallAsync(HttpMethod.Get, $"sobjects/ContentVersion/{versionId}", token);

        var (deleted, _, _) = await emulator.CallAsync(HttpMethod.Delete, $"sobjects/ContentDocument/{version!["ContentDocumentId"]}", token);
        var (download, body, _) = await emulator.CallAsync(HttpMethod.Get, $"sobjects/ContentVersion/{versionId}/VersionData", token);

        Assert.Equal(204, deleted);
        Assert.Equal((404, "ENTITY_IS_DELETED"), (download, (string?)body![0]!["errorCode"]));
        Assert.Equal(0, emulator.Host.Org.Store.Count("ContentDocumentLink", includeDeleted: false));
    }

    [Fact]
    public async Task DescribeContentVersion_VersionDataIsBase64()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();

        var (_, describe, _) = await emulator.CallAsync(HttpMethod.Get, "sobjects/ContentVersion/describe", token);

        var field = describe!["fields"]!.AsArray().Single(f => (string?)f!["name"] == "VersionData")!;
        Assert.Equal(("base64", false), ((string?)field["type"], (bool?)field["filterable"]));
        Assert.Equal("068", (string?)describe["keyPrefix"]);
    }

    private static async Task<HttpResponseMessage> PostMultipartAsync(EmulatorFixture emulator, string token, string body, string boundary = "boundary_string")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/services/data/v{EmulatorFixture.ApiVersion}/sobjects/ContentVersion")
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", $"multipart/form-data; boundary=\"{boundary}\"");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await emulator.Http.SendAsync(request);
    }
}
