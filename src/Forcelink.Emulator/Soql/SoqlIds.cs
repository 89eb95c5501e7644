namespace Forcelink.Emulator.Soql;

/// <summary>Salesforce record ids: 15-character case-sensitive form and 18-character form with a checksum suffix.</summary>
internal static class SoqlIds
{
    private const string ChecksumAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

    public static bool IsWellFormed(string value) =>
        value.Length is 15 or 18 && value.All(char.IsAsciiLetterOrDigit);

    /// <summary>
    /// The 15-character form with its letter case restored from the 18-character suffix, so ids typed in any case
    /// (which the suffix exists to allow) compare equal to the stored ones.
    /// </summary>
    public static string Normalize(string id)
    {
        if (id.Length != 18)
        {
            return id;
        }

        Span<char> chars = stackalloc char[15];
        for (var chunk = 0; chunk < 3; chunk++)
        {
            var flags = ChecksumAlphabet.IndexOf(char.ToUpperInvariant(id[15 + chunk]), StringComparison.Ordinal);
            for (var j = 0; j < 5; j++)
            {
                var c = id[(chunk * 5) + j];
                chars[(chunk * 5) + j] = flags >= 0 && (flags & (1 << j)) != 0 ? char.ToUpperInvariant(c) : flags >= 0 ? char.ToLowerInvariant(c) : c;
            }
        }

        return new string(chars);
    }

    public static string To18(string id)
    {
        if (id.Length != 15)
        {
            return id;
        }

        Span<char> suffix = stackalloc char[3];
        for (var chunk = 0; chunk < 3; chunk++)
        {
            var flags = 0;
            for (var j = 0; j < 5; j++)
            {
                if (char.IsAsciiLetterUpper(id[(chunk * 5) + j]))
                {
                    flags |= 1 << j;
                }
            }

            suffix[chunk] = ChecksumAlphabet[flags];
        }

        return string.Concat(id, suffix);
    }
}
