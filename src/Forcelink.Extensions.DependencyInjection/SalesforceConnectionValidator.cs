using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Forcelink.Extensions.DependencyInjection;

/// <summary>Validates every registered connection, naming the client in each problem so several orgs' errors read apart.</summary>
internal sealed class SalesforceConnectionValidator(IServiceProviderIsService services) : IValidateOptions<SalesforceConnectionOptions>
{
    public ValidateOptionsResult Validate(string? name, SalesforceConnectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        name ??= Options.DefaultName;
        var errors = options.Validate(SalesforceConnection.HasRegisteredCredential(services, name));
        if (errors.Count == 0)
        {
            return ValidateOptionsResult.Success;
        }

        var client = name.Length == 0 ? "the Salesforce client" : $"the Salesforce client '{name}'";
        return ValidateOptionsResult.Fail(errors.Select(e => $"{client}: {e}"));
    }
}
