using System.Diagnostics.CodeAnalysis;

namespace Forcelink.Emulator.Ids;

/// <summary>Salesforce record ids: 15-character case-sensitive bases with the 3-character case-insensitive checksum.</summary>
internal static class RecordIds
{
    private const string ChecksumAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
    private const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public static string Checksum(ReadOnlySpan<char> id15)
    {
        Span<char> suffix = stackalloc char[3];
        for (var chunk = 0; chunk < 3; chunk++)
        {
            var flags = 0;
            for (var j = 0; j < 5; j++)
            {
                var c = id15[(chunk * 5) + j];
                if (c is >= 'A' and <= 'Z')
                {
                    flags |= 1 << j;
                }
            }

            suffix[chunk] = ChecksumAlphabet[flags];
        }

        return new string(suffix);
    }

    public static string To18(string id15) => id15 + Checksum(id15);

    /// <summary>Normalises a 15- or 18-character id to 18 characters; false when the text cannot be an id.</summary>
    public static bool TryNormalize(string? value, [NotNullWhen(true)] out string? id18)
    {
        id18 = null;
        if (value is null || (value.Length != 15 && value.Length != 18))
        {
            return false;
        }

        foreach (var c in value.AsSpan(0, 15))
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }
        }

        var expected = Checksum(value.AsSpan(0, 15));
        if (value.Length == 18)
        {
            // The suffix makes 18-character ids case-insensitive, so accept any case but insist it matches.
            if (!string.Equals(value[15..], expected, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        id18 = value[..15] + expected;
        return true;
    }

    /// <summary>Builds an 18-character id: key prefix, 2-character pod, then a base-62 sequence number.</summary>
    public static string Create(string keyPrefix, string pod, long sequence)
    {
        Span<char> body = stackalloc char[10];
        var n = sequence;
        for (var i = body.Length - 1; i >= 0; i--)
        {
            body[i] = Base62[(int)(n % 62)];
            n /= 62;
        }

        return To18(string.Concat(keyPrefix, pod, body));
    }
}
