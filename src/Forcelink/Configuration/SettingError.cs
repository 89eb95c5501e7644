namespace Forcelink.Configuration;

/// <summary>
/// One problem with a setting: which setting (its <c>FORCELINK_*</c> variable, whatever the host calls it), what is
/// wrong and how to fix it. <see cref="Problem"/> and <see cref="Fix"/> already name settings the way the host does.
/// </summary>
internal sealed record SettingError(string Setting, string Problem, string Fix)
{
    public override string ToString() => Fix.Length == 0 ? Problem : $"{Problem}: {Fix}";
}
