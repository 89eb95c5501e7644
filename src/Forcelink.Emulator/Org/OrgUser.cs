using Forcelink.Emulator.Hosting;

namespace Forcelink.Emulator.Org;

internal sealed record OrgUser(string Id, UserOptions Options);
