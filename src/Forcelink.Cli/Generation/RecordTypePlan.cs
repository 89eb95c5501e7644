using System.Reflection;
using Forcelink.Models;
using Forcelink.Records;

namespace Forcelink.Cli.Generation;

/// <summary>One generated property: the field it reads and writes, its C# name and how its type maps.</summary>
internal sealed record PlannedProperty(FieldDescription Field, string Name, FieldTypeMapping Mapping)
{
    /// <summary>Neither createable nor updateable: a getter only, as <see cref="Lead.Name"/>.</summary>
    public bool IsReadOnly => !Field.Createable && !Field.Updateable;
}

/// <summary>A field left out of the generated type, and why.</summary>
internal sealed record SkippedField(string Name, string Reason);

/// <summary>
/// What the record type of one object holds: its class name, and its fields in a stable order (standard fields, then
/// custom ones, each by API name) with C# names that collide with nothing, so the same describe always gives the same code.
/// </summary>
internal sealed class RecordTypePlan
{
    /// <summary>Fields every record has, declared once on <see cref="SObject"/>.</summary>
    private static readonly HashSet<string> InheritedFields = new(StringComparer.OrdinalIgnoreCase)
    {
        "Id", "IsDeleted", "CreatedDate", "CreatedById", "LastModifiedDate", "LastModifiedById", "SystemModstamp",
    };

    /// <summary>Names a property may not take: it would hide a member of <see cref="SObject"/> (or of object), or,
    /// for <c>Set</c> and the getters, break the generated accessors that call them.</summary>
    private static readonly string[] ReservedNames = [.. typeof(SObject)
        .GetMembers(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.FlattenHierarchy)
        .Where(m => m switch
        {
            MethodBase method => method.IsPublic || method.IsFamily || method.IsFamilyOrAssembly,
            PropertyInfo property => property.GetMethod is { } get && (get.IsPublic || get.IsFamily || get.IsFamilyOrAssembly),
            _ => false,
        })
        .Select(m => m.Name)
        .Where(n => !n.Contains('.', StringComparison.Ordinal) && !n.StartsWith("get_", StringComparison.Ordinal) && !n.StartsWith("set_", StringComparison.Ordinal))
        .Distinct(StringComparer.Ordinal)
        .Order(StringComparer.Ordinal)];

    private RecordTypePlan(SObjectDescription description, string className, IReadOnlyList<PlannedProperty> properties, IReadOnlyList<SkippedField> skipped)
    {
        Description = description;
        ClassName = className;
        Properties = properties;
        Skipped = skipped;
    }

    public SObjectDescription Description { get; }

    public string ClassName { get; }

    public IReadOnlyList<PlannedProperty> Properties { get; }

    public IReadOnlyList<SkippedField> Skipped { get; }

    /// <summary>The names a generated property may not take, whatever the object: exposed for tests.</summary>
    public static IReadOnlyList<string> Reserved => ReservedNames;

    public static RecordTypePlan Create(SObjectDescription description, string className)
    {
        ArgumentNullException.ThrowIfNull(description);
        var taken = new HashSet<string>(ReservedNames, StringComparer.OrdinalIgnoreCase) { className };
        var properties = new List<PlannedProperty>();
        var skipped = new List<SkippedField>();
        var fields = description.Fields
            .Where(f => !InheritedFields.Contains(f.Name))
            .OrderBy(f => f.Custom)
            .ThenBy(f => f.Name, StringComparer.OrdinalIgnoreCase)
            .ThenBy(f => f.Name, StringComparer.Ordinal);
        foreach (var field in fields)
        {
            if (FieldTypeMapping.For(field, out var reason) is { } mapping)
            {
                properties.Add(new PlannedProperty(field, CSharpNames.Unique(CSharpNames.From(field.Name), "Field", taken), mapping));
            }
            else
            {
                skipped.Add(new SkippedField(field.Name, reason!));
            }
        }

        return new RecordTypePlan(description, className, properties, skipped);
    }
}
