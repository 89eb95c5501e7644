using System.Text.Json;

namespace Forcelink.Emulator.Hosting;

/// <summary>
/// An Apex REST service the org answers at <c>/services/apexrest{UrlMapping}</c>, standing in for a customer's
/// <c>@RestResource(urlMapping=...)</c> class: a fixed answer, or an echo of the request (Apex's <c>RestContext.request</c>).
/// </summary>
internal sealed class ApexRestOptions
{
    /// <summary>The class's <c>urlMapping</c>, such as <c>/LeadIntake/*</c>: starts with '/', case-sensitive, '*' matches any text.</summary>
    public string UrlMapping { get; set; } = "";

    /// <summary>The HTTP methods the class has (<c>@HttpGet</c>, <c>@HttpPost</c>, ...); others answer 405.</summary>
    public List<string> Methods { get; set; } = ["GET", "POST", "PUT", "PATCH", "DELETE"];

    /// <summary>Answers with the request as Apex sees it (<c>httpMethod</c>, <c>requestURI</c>, <c>resourcePath</c>, <c>params</c>,
    /// <c>requestBody</c>) instead of <see cref="Response"/>.</summary>
    public bool Echo { get; set; }

    /// <summary>The HTTP status of the answer.</summary>
    public int Status { get; set; } = 200;

    /// <summary>The JSON answer; none (an empty body, as a <c>void</c> method gives) when null.</summary>
    public JsonElement? Response { get; set; }

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!UrlMapping.StartsWith('/') || UrlMapping.Length < 2)
        {
            errors.Add($"urlMapping '{UrlMapping}' must start with '/' and name a path, such as /LeadIntake/*");
        }

        foreach (var method in Methods.Where(m => m is not ("GET" or "POST" or "PUT" or "PATCH" or "DELETE")))
        {
            errors.Add($"methods: '{method}' is not an Apex REST method (GET, POST, PUT, PATCH, DELETE)");
        }

        if (Status is < 200 or > 599)
        {
            errors.Add($"status must be from 200 to 599, got {Status}");
        }

        if (Echo && Response is not null)
        {
            errors.Add("echo and response are exclusive: an echo answers with the request");
        }

        return errors;
    }
}
