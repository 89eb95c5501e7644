namespace Forcelink.Emulator.Hosting;

/// <summary>Where the emulator listens, known once Kestrel has bound its port; tokens and identities name it.</summary>
internal sealed class ServerAddress
{
    public Uri BaseUrl { get; set; } = new("http://127.0.0.1");
}
