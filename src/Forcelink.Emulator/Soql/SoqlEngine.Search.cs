using Forcelink.Emulator.Records;

namespace Forcelink.Emulator.Soql;

internal sealed partial class SoqlEngine
{
    private const int DefaultSearchLimit = 2000;

    // Salesforce's "name fields" differ per object; these cover the standard objects the emulator models.
    private static readonly HashSet<string> NameFields = new(StringComparer.OrdinalIgnoreCase)
    {
        "Name", "FirstName", "LastName", "MiddleName", "Company", "CaseNumber", "Subject",
    };

    public SoslSearchResult Search(string sosl)
    {
        ArgumentNullException.ThrowIfNull(sosl);
        return Execute(SoslParser.Parse(sosl));
    }

    public SoslSearchResult ParameterizedSearch(IReadOnlyDictionary<string, string> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return Execute(SoslParser.FromParameters(parameters));
    }

    private SoslSearchResult Execute(SoslQuery query)
    {
        var returning = query.Returning
            ?? [.. catalog.SearchableObjects.Where(name => catalog.FindObject(name) is not null).Select(name => new SoslReturning(name, [], null, [], null, null))];
        var binder = new SoqlBinder(catalog, query.Source, Today(), SoqlErrors.MalformedSearch);
        var idPath = new SoqlPath(["Id"], 0);
        var found = new List<(SoqlRecord, string, IReadOnlyList<SoqlProjectionNode>)>();
        var remaining = query.Limit ?? DefaultSearchLimit;
        foreach (var target in returning)
        {
            var entity = catalog.FindObject(target.ObjectName) ?? throw SoqlErrors.UnsupportedType(target.ObjectName);
            var projection = Project(binder, entity, null, target.Fields.Count > 0 ? target.Fields : [idPath], query.Source, SoqlErrors.MalformedSearch);
            var searched = entity.Fields.Where(f => InScope(f, query.Scope)).ToArray();
            var matches = Run(binder, entity, null, target.Where, target.OrderBy, null, null, includeDeleted: false)
                .Where(record => query.Term.Matches(TokensOf(record, searched)));
            var windowed = matches.Skip(target.Offset ?? 0).Take(Math.Min(target.Limit ?? int.MaxValue, remaining)).ToList();
            remaining -= windowed.Count;
            found.AddRange(windowed.Select(r => (r, entity.Name, (IReadOnlyList<SoqlProjectionNode>)projection.Roots)));
        }

        return new SoslSearchResult(found, catalog);
    }

    private static bool InScope(SoqlFieldInfo field, SoslScope scope) => scope switch
    {
        SoslScope.Email => field.Type == FieldType.Email,
        SoslScope.Phone => field.Type == FieldType.Phone,
        SoslScope.Name => NameFields.Contains(field.Name) && SoqlBinder.Category(field.Type) == ValueCategory.Text,
        _ => SoqlBinder.Category(field.Type) == ValueCategory.Text,
    };

    private static List<string[]> TokensOf(SoqlRecord record, SoqlFieldInfo[] fields)
    {
        var tokens = new List<string[]>(fields.Length + 1);
        foreach (var field in fields)
        {
            if (!record.Fields.TryGetValue(field.Name, out var value) || value is not string text || text.Length == 0)
            {
                continue;
            }

            tokens.Add(SoslTerm.Tokenize(text));
            if (field.Type == FieldType.Phone)
            {
                // Phone numbers are found whatever punctuation either side used.
                tokens.Add([new string([.. text.Where(char.IsAsciiDigit)])]);
            }
        }

        return tokens;
    }
}
