using System.Text;

namespace Forcelink.Cli;

/// <summary>Writes PEM files; a key is readable by its owner only (mode 0600), as ssh and openssl expect.</summary>
internal static class PemFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static async Task WriteAsync(string path, string text, bool overwrite, bool ownerOnly, CancellationToken cancellationToken = default)
    {
        var options = new FileStreamOptions { Mode = overwrite ? FileMode.Create : FileMode.CreateNew, Access = FileAccess.Write };
        if (ownerOnly && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        await using (var stream = new FileStream(path, options))
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(text), cancellationToken);
        }

        // UnixCreateMode applies only to new files; an overwritten key keeps its old mode otherwise.
        if (ownerOnly && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, OwnerOnly);
        }
    }
}
