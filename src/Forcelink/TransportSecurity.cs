using System.Net;

namespace Forcelink;

/// <summary>The one rule for where secrets may travel: HTTPS anywhere, plain HTTP only to this machine (the emulator).</summary>
internal static class TransportSecurity
{
    public static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.DnsSafeHost, out var address) && IPAddress.IsLoopback(address));

    public static bool IsAllowed(Uri uri) =>
        uri.IsAbsoluteUri && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && IsLoopback(uri)));
}
