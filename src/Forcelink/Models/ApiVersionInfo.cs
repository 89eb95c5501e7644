
namespace Forcelink.Models;

/// <summary>One API version the org offers (<c>GET /services/data</c>).</summary>
/// <param name="Version">The version, such as <c>62.0</c>.</param>
/// <param name="Label">The release name, such as <c>Winter '25</c>.</param>
/// <param name="Url">The version's resource path.</param>
public sealed record ApiVersionInfo(string Version, string Label, string Url);
