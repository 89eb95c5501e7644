using System.Text;

namespace Forcelink.Cli.Generation;

/// <summary>Generated source built line by line, each ended by <c>\n</c> on every platform so that output is byte-for-byte stable.</summary>
internal sealed class CodeText
{
    private readonly StringBuilder _text = new();

    /// <param name="header">The <see cref="GeneratedHeader"/> that opens the file.</param>
    public CodeText(string header)
    {
        _text.Append(header.ReplaceLineEndings("\n"));
    }

    public CodeText Line(string line = "")
    {
        _text.Append(line).Append('\n');
        return this;
    }

    public override string ToString() => _text.ToString();
}
