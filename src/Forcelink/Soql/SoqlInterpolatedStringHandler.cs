using System.Globalization;
using System.Runtime.CompilerServices;

namespace Forcelink.Soql;

/// <summary>Binds the holes of an interpolated SOQL string as literals. Used through <see cref="SoqlQuery"/>.</summary>
[InterpolatedStringHandler]
public ref struct SoqlInterpolatedStringHandler
{
    // The runtime's own handler: text goes into a pooled buffer and numbers and dates are formatted in place, so binding
    // allocates only the query string.
    private DefaultInterpolatedStringHandler _text;

    /// <summary>Called by the compiler.</summary>
    public SoqlInterpolatedStringHandler(int literalLength, int formattedCount) =>
        _text = new DefaultInterpolatedStringHandler(literalLength + (formattedCount * 24), formattedCount, CultureInfo.InvariantCulture);

    /// <summary>Called by the compiler for the query's own text.</summary>
    public void AppendLiteral(string value) => _text.AppendLiteral(value);

    /// <summary>Called by the compiler for each hole: binds the value as a literal of its type. There is no overload taking a
    /// format string, so <c>{value:N2}</c> does not compile: the type alone decides how a value is written.</summary>
    public void AppendFormatted<T>(T value) => SoqlLiteral.Append(ref _text, value);

    internal string ToStringAndClear() => _text.ToStringAndClear();
}
