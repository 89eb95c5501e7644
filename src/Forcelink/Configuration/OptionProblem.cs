namespace Forcelink.Configuration;

/// <summary>One problem of an options object: the property it is about and what follows its name in the message.</summary>
internal sealed record OptionProblem(string Property, string Detail)
{
    public override string ToString() => $"{Property} {Detail}";
}
