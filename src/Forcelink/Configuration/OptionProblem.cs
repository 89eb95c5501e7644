namespace Forcelink.Configuration;

/// <summary>One problem of an options object: the property it is about, what is wrong (the words after the property's
/// name) and how to fix it (empty when the problem says it), kept apart so that hosts name their own setting.</summary>
internal sealed record OptionProblem(string Property, string Problem, string Fix)
{
    public override string ToString() => Fix.Length == 0 ? $"{Property} {Problem}" : $"{Property} {Problem}: {Fix}";
}
