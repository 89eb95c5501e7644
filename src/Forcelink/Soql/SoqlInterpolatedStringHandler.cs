using System.Runtime.CompilerServices;
using System.Text;

namespace Forcelink.Soql;

/// <summary>Binds the holes of an interpolated SOQL string as literals. Used through <see cref="SoqlQuery"/>.</summary>
[InterpolatedStringHandler]
public ref struct SoqlInterpolatedStringHandler
{
    private StringBuilder? _builder;

    /// <summary>Called by the compiler.</summary>
    public SoqlInterpolatedStringHandler(int literalLength, int formattedCount) =>
        _builder = new StringBuilder(literalLength + (formattedCount * 16));

    /// <summary>Called by the compiler for the query's own text.</summary>
    public readonly void AppendLiteral(string value) => _builder!.Append(value);

    /// <summary>Called by the compiler for each hole: binds the value as a literal of its type. There is no overload taking a
    /// format string, so <c>{value:N2}</c> does not compile: the type alone decides how a value is written.</summary>
    public readonly void AppendFormatted<T>(T value) => SoqlLiteral.Append(_builder!, value);

    internal string ToStringAndClear()
    {
        var text = _builder!.ToString();
        _builder = null;
        return text;
    }
}
