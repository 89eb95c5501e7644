using System.Globalization;
using System.Text;

namespace Forcelink.Emulator.Soql;

/// <summary>Builds errors in Salesforce's shapes, including the query echo with a caret under the offending column.</summary>
internal static class SoqlErrors
{
    public const string MalformedQuery = "MALFORMED_QUERY";
    public const string MalformedSearch = "MALFORMED_SEARCH";
    public const string InvalidField = "INVALID_FIELD";
    public const string InvalidType = "INVALID_TYPE";
    public const string NumberOutsideValidRange = "NUMBER_OUTSIDE_VALID_RANGE";
    public const string InvalidQueryFilterOperator = "INVALID_QUERY_FILTER_OPERATOR";

    /// <summary>An error anchored at <paramref name="position"/> (0-based index into <paramref name="source"/>).</summary>
    public static SoqlException At(string errorCode, string source, int position, string text)
    {
        position = Math.Clamp(position, 0, source.Length);
        var lineStart = source.LastIndexOf('\n', Math.Max(0, position - 1)) + 1;
        if (position == 0)
        {
            lineStart = 0;
        }

        var row = 1;
        for (var i = 0; i < lineStart; i++)
        {
            if (source[i] == '\n')
            {
                row++;
            }
        }

        var lineEnd = source.IndexOf('\n', lineStart);
        var line = (lineEnd < 0 ? source[lineStart..] : source[lineStart..lineEnd]).TrimEnd('\r');
        var column = position - lineStart + 1;
        var message = new StringBuilder()
            .Append('\n').Append(line)
            .Append('\n').Append(' ', column - 1).Append('^')
            .Append(CultureInfo.InvariantCulture, $"\nERROR at Row:{row}:Column:{column}\n")
            .Append(text)
            .ToString();
        return new SoqlException(errorCode, message);
    }

    public static SoqlException UnexpectedToken(string errorCode, string source, SoqlToken token) =>
        At(errorCode, source, token.Position, $"unexpected token: '{(token.Kind == SoqlTokenKind.End ? "<EOF>" : token.Text)}'");

    public static SoqlException NoSuchColumn(string source, int position, string field, string entity) =>
        At(InvalidField, source, position,
            $"No such column '{field}' on entity '{entity}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.");

    public static SoqlException UnknownRelationship(string source, int position, string relationship) =>
        At(InvalidField, source, position,
            $"Didn't understand relationship '{relationship}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.");

    public static SoqlException UnknownChildRelationship(string source, int position, string relationship) =>
        At(InvalidType, source, position,
            $"Didn't understand relationship '{relationship}' in FROM part of query call. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.");

    public static SoqlException UnsupportedType(string name) =>
        new(InvalidType,
            $"sObject type '{name}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.");

    public static SoqlException TooDeeplyNested(string errorCode, string source, int position, int maxDepth) =>
        At(errorCode, source, position,
            $"Conditions are nested too deeply: NOT and parentheses may nest at most {maxDepth} levels in the Forcelink emulator.");

    public static SoqlException NotSupportedByEmulator(string errorCode, string source, int position, string construct) =>
        At(errorCode, source, position, $"{construct} is not supported by the Forcelink emulator.");
}
