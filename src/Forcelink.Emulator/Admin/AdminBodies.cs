using System.Text.Json;
using Forcelink.Emulator.Hosting;

namespace Forcelink.Emulator.Admin;

/// <summary>Reads the admin API's JSON bodies and refuses, with every problem named, what would leave the org invalid.</summary>
internal static class AdminBodies
{
    public static T Read<T>(string body) =>
        JsonSerializer.Deserialize<T>(body, ResponseWriter.SerializerOptions) ?? throw new ArgumentException("A JSON body is required.");

    public static FaultRule ReadFault(string body)
    {
        using var doc = ParseObject(body);
        var kinds = string.Join(", ", Enum.GetNames<FaultKind>());
        var kind = doc.RootElement.EnumerateObject().FirstOrDefault(p => p.Name.Equals("kind", StringComparison.OrdinalIgnoreCase));
        if (kind.Value.ValueKind == JsonValueKind.Undefined)
        {
            throw new ArgumentException($"kind is required: one of {kinds}");
        }

        // The enum converter also takes numbers and numeric strings, which would make any integer a "kind".
        if (kind.Value.ValueKind != JsonValueKind.String
            || kind.Value.GetString() is not { } name
            || !Enum.GetNames<FaultKind>().Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"kind must be one of {kinds}, got {kind.Value.GetRawText()}");
        }

        var rule = doc.RootElement.Deserialize<FaultRule>(ResponseWriter.SerializerOptions)!;
        return rule.Validate() is { Count: > 0 } errors ? throw new ArgumentException(string.Join("; ", errors)) : rule;
    }

    /// <summary>Salesforce's own limits on the User fields the emulator writes, so that the User record stays valid.</summary>
    public static UserOptions ValidUser(UserOptions user)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(user.Username) || user.Username.Length > 80 || user.Username.Any(char.IsWhiteSpace))
        {
            errors.Add($"username must be 1 to 80 characters without spaces, got '{user.Username}'");
        }

        if (string.IsNullOrWhiteSpace(user.LastName) || user.LastName.Length > 80)
        {
            errors.Add($"lastName must be 1 to 80 characters, got '{user.LastName}'");
        }

        if (user.FirstName is null || user.FirstName.Length > 40)
        {
            errors.Add($"firstName must be at most 40 characters, got '{user.FirstName}'");
        }

        if (user.Email is { } email && (string.IsNullOrWhiteSpace(email) || email.Length > 128))
        {
            errors.Add($"email must be 1 to 128 characters (or omitted to use the username), got '{email}'");
        }

        if (string.IsNullOrWhiteSpace(user.Profile))
        {
            errors.Add("profile must name a profile, e.g. 'System Administrator'");
        }

        return errors.Count > 0 ? throw new ArgumentException(string.Join("; ", errors)) : user;
    }

    public static AppOptions ValidApp(AppOptions app)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(app.ConsumerKey))
        {
            errors.Add("consumerKey must not be empty");
        }

        if (string.IsNullOrWhiteSpace(app.Name))
        {
            errors.Add("name must not be empty");
        }

        errors.AddRange(app.ValidateCredentials(e => $"certificatePem must be a PEM X.509 certificate ({e})"));
        if (app.SessionTimeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            errors.Add($"sessionTimeout must be positive (or omitted for the org's), got {timeout}");
        }

        return errors.Count > 0 ? throw new ArgumentException(string.Join("; ", errors)) : app;
    }

    public static PermissionOptions ValidPermissions(PermissionOptions permissions) =>
        string.IsNullOrWhiteSpace(permissions.Name) ? throw new ArgumentException("name must not be empty") : permissions;

    public static JsonDocument ParseObject(string body)
    {
        var doc = JsonDocument.Parse(body);
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            var kind = doc.RootElement.ValueKind;
            doc.Dispose();
            throw new ArgumentException($"the body must be a JSON object, got {kind}");
        }

        return doc;
    }

    public static int? OptionalInteger(JsonElement root, string name, int minimum) =>
        !root.TryGetProperty(name, out var value) ? null
        : value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number >= minimum ? number
        : throw new ArgumentException($"{name} must be a whole number from {minimum} to {int.MaxValue}, got {value.GetRawText()}");

    public static string? OptionalText(JsonElement root, string name) =>
        !root.TryGetProperty(name, out var value) ? null
        : value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text
        : throw new ArgumentException($"{name} must be a non-empty string, got {value.GetRawText()}");
}
