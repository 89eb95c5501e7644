using System.Security;
using System.Text;

namespace Forcelink.Cli.Generation;

/// <summary>
/// Writes the C# of one record type, in the shape of the library's <see cref="Records.Lead"/>: a sealed
/// <see cref="Records.SObject"/> that names its object through <see cref="Records.ISObjectType"/>, reads and writes
/// Salesforce's JSON through <see cref="Records.SObjectJsonConverter{T}"/> (no reflection, so trimmed and Native AOT
/// programs can use it), with one documented property per field and no setter on read-only fields.
/// </summary>
internal static class RecordTypeWriter
{
    private const string Records = "global::Forcelink.Records";

    /// <summary>The file's text, with <c>\n</c> line ends whatever the platform, so that every run writes the same bytes.</summary>
    public static string Write(RecordTypePlan plan, string ns, string header)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var objectName = Literal(plan.Description.Name);
        var code = new CodeText(header);
        code.Line("#nullable enable")
            .Line()
            .Line($"namespace {ns};")
            .Line()
            .Line($"/// <summary>{Xml(plan.Description.Label)} (<c>{Xml(plan.Description.Name)}</c>) with its fields as the org describes them. Fields added to the object later are kept and reachable through the indexer.</summary>");
        if (plan.Skipped.Count > 0)
        {
            code.Line("/// <remarks>Not generated (reachable through the indexer):")
                .Line("/// <list type=\"bullet\">");
            foreach (var skipped in plan.Skipped)
            {
                code.Line($"/// <item><c>{Xml(skipped.Name)}</c>: {Xml(skipped.Reason)}.</item>");
            }

            code.Line("/// </list>")
                .Line("/// </remarks>");
        }

        code.Line($"[global::System.Text.Json.Serialization.JsonConverter(typeof({Records}.SObjectJsonConverter<{plan.ClassName}>))]")
            .Line($"public sealed class {plan.ClassName} : {Records}.SObject, {Records}.ISObjectType")
            .Line("{")
            .Line($"    /// <summary>Creates an empty {Xml(plan.Description.Label)} record.</summary>")
            .Line($"    public {plan.ClassName}()")
            .Line($"        : base({objectName})")
            .Line("    {")
            .Line("    }")
            .Line()
            .Line($"    static string {Records}.ISObjectType.ObjectName => {objectName};");
        foreach (var property in plan.Properties)
        {
            var field = Literal(property.Field.Name);
            var getter = property.Mapping.Getter.Replace("{0}", field, StringComparison.Ordinal);
            code.Line()
                .Line($"    /// <summary>{Summary(property)}</summary>");
            if (property.IsReadOnly)
            {
                code.Line($"    public {property.Mapping.Type} {property.Name} => {getter};");
                continue;
            }

            code.Line($"    public {property.Mapping.Type} {property.Name}")
                .Line("    {")
                .Line($"        get => {getter};")
                .Line($"        set => {property.Mapping.Setter.Replace("{0}", field, StringComparison.Ordinal)};")
                .Line("    }");
        }

        return code.Line("}").ToString();
    }

    /// <summary>The property's documentation, as XML.</summary>
    private static string Summary(PlannedProperty property)
    {
        var field = property.Field;
        var text = new StringBuilder($"{Xml(field.Label)} (<c>{Xml(field.Name)}</c>): {Xml(property.Mapping.Kind)}.");
        if (field.IsRequiredOnCreate)
        {
            text.Append(" Required on create.");
        }
        else if (field.DefaultedOnCreate && !property.IsReadOnly)
        {
            var chosen = field.PicklistValues.FirstOrDefault(v => v.DefaultValue)?.Value;
            text.Append(" Salesforce sets a default on create when it is left empty").Append(chosen is null ? "." : $" ({Xml(chosen)}).");
        }

        if (field.ExternalId)
        {
            text.Append(" External id.");
        }

        if (property.IsReadOnly)
        {
            text.Append(" Read-only.");
        }
        else if (!field.Updateable)
        {
            text.Append(" Set on create only.");
        }
        else if (!field.Createable)
        {
            text.Append(" Set on update only.");
        }

        return text.ToString();
    }

    /// <summary>A C# string literal. API names are letters, digits and underscores, so only quotes and backslashes could need escaping.</summary>
    private static string Literal(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    /// <summary>Text for an XML doc comment: labels and picklist values are the org's own and may hold &amp; or &lt;, and a line break would end the comment.</summary>
    private static string Xml(string text) => SecurityElement.Escape(text.ReplaceLineEndings(" "));
}
