using System.Text;

namespace Forcelink.Cli.Csv;

/// <summary>The text encodings <c>--encoding</c> accepts: the ones CSV files come in that the runtime has built in.</summary>
internal static class CsvEncodings
{
    public const string Names = "utf-8, latin1 (iso-8859-1), windows-1252";

    /// <summary>The encoding <paramref name="name"/> names; <see langword="null"/> for a name not supported.</summary>
    public static Encoding? Find(string name) => name.Trim().ToUpperInvariant() switch
    {
        "UTF-8" or "UTF8" => new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        "LATIN1" or "LATIN-1" or "ISO-8859-1" or "ISO8859-1" => Encoding.Latin1,
        // Code pages ship with the runtime (System.Text.Encoding.CodePages), registered or not, even with InvariantGlobalization.
        "WINDOWS-1252" or "CP1252" => CodePagesEncodingProvider.Instance.GetEncoding(1252),
        _ => null,
    };
}
