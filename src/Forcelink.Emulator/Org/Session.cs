using Forcelink.Emulator.Hosting;

namespace Forcelink.Emulator.Org;

internal sealed class Session(string token, OrgUser user, AppOptions app, DateTimeOffset issuedAt)
{
    public string Token { get; } = token;
    public OrgUser User { get; } = user;
    public AppOptions App { get; } = app;
    public DateTimeOffset IssuedAt { get; } = issuedAt;
    public DateTimeOffset LastUsed { get; set; } = issuedAt;
}
