namespace Forcelink.Cli.Generation;

/// <summary>
/// Writes the <c>JsonSerializerContext</c> of the generated record types: source-generated JSON metadata for each
/// type and a list of it, so that trimmed and Native AOT programs serialize them without reflection.
/// </summary>
internal static class JsonContextWriter
{
    private const string Serialization = "global::System.Text.Json.Serialization";

    /// <param name="classNames">The generated types, in the order their attributes are written.</param>
    /// <param name="ns">The namespace.</param>
    /// <param name="contextName">The context's class name.</param>
    /// <param name="header">The <see cref="GeneratedHeader"/> that opens the file.</param>
    public static string Write(IReadOnlyList<string> classNames, string ns, string contextName, string header)
    {
        var first = classNames[0];
        var code = new CodeText(header)
            .Line("#nullable enable")
            .Line()
            .Line($"namespace {ns};")
            .Line()
            .Line("/// <summary>")
            .Line("/// Source-generated JSON metadata for the generated record types, for trimmed and Native AOT programs:")
            .Line($"/// <c>JsonSerializer.Deserialize(json, {contextName}.Default.{first})</c>. Records read and write Salesforce's shape")
            .Line("/// (<c>attributes</c> plus fields, custom fields included).")
            .Line("/// </summary>");
        foreach (var name in classNames)
        {
            code.Line($"[{Serialization}.JsonSerializable(typeof({name}))]");
        }

        foreach (var name in classNames)
        {
            code.Line($"[{Serialization}.JsonSerializable(typeof(global::System.Collections.Generic.List<{name}>))]");
        }

        return code.Line($"public sealed partial class {contextName} : {Serialization}.JsonSerializerContext;").ToString();
    }
}
