using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Forcelink.Emulator.Hosting;
using Forcelink.IntegrationTests.Emulator;

namespace Forcelink.IntegrationTests.Conformance;

/// <summary>
/// An emulated org for comparing answers with recorded ones. Besides the standard objects it has <c>Whizbang__c</c>,
/// restforce's test object: its recorded fields (<c>Text_Label</c>, <c>ParentWhizbang__r</c>, ...) exist here as the
/// custom fields a real org would have (<c>Text_Label__c</c>), and <see cref="Customize"/> renames the recorded keys
/// the same way, so that the same query asks for the same keys.
/// </summary>
internal sealed class ConformanceOrg : IAsyncDisposable
{
    /// <summary>Keys of a recorded Whizbang that are standard fields or query-result envelope keys, kept as they are.</summary>
    private static readonly HashSet<string> Standard = new(StringComparer.Ordinal)
    {
        "attributes", "type", "url", "Id", "Name", "OwnerId", "IsDeleted", "CreatedById", "CreatedDate", "LastModifiedById",
        "LastModifiedDate", "SystemModstamp", "totalSize", "done", "records", "nextRecordsUrl",
    };

    private ConformanceOrg(EmulatorFixture emulator, string token)
    {
        Emulator = emulator;
        Token = token;
    }

    public EmulatorFixture Emulator { get; }

    public string Token { get; }

    public static async Task<ConformanceOrg> StartAsync()
    {
        var emulator = await EmulatorFixture.StartAsync(o => o.Org.CustomObjects.Add(Whizbang()));
        return new ConformanceOrg(emulator, await emulator.GetTokenAsync());
    }

    public Task<IReadOnlyList<string>> AddAsync(string objectName, params object[] records) => Emulator.Host.AddRecordsAsync(objectName, records);

    /// <summary>Status and body of a REST call; <paramref name="path"/> is relative to <c>/services/data/v62.0/</c> unless it starts with <c>/</c>.</summary>
    public async Task<(int Status, JsonNode? Body)> CallAsync(HttpMethod method, string path, object? body = null, IDictionary<string, string>? headers = null)
    {
        var (status, json, response) = await Emulator.CallAsync(method, path, Token, body, headers);
        response.Dispose();
        return (status, json);
    }

    public Task<(int Status, JsonNode? Body)> QueryAsync(string soql, int? batchSize = null) =>
        CallAsync(HttpMethod.Get, "query?q=" + Uri.EscapeDataString(soql),
            headers: batchSize is { } size ? new Dictionary<string, string> { ["Sforce-Query-Options"] = $"batchSize={size}" } : null);

    /// <summary>A recorded Whizbang body with its custom field names as this org spells them (<c>Text_Label</c> → <c>Text_Label__c</c>).</summary>
    public static JsonNode Customize(JsonNode recorded)
    {
        switch (recorded)
        {
            case JsonObject obj:
                var copy = new JsonObject();
                foreach (var (key, value) in obj)
                {
                    var name = key == "attributes" ? key : Standard.Contains(key) || key.EndsWith("__c", StringComparison.Ordinal) || key.EndsWith("__r", StringComparison.Ordinal) ? key : key + "__c";
                    copy[name] = key == "attributes" ? value?.DeepClone() : value is null ? null : Customize(value);
                }

                return copy;
            case JsonArray array:
                return new JsonArray([.. array.Select(item => item is null ? null : Customize(item))]);
            default:
                return recorded.DeepClone();
        }
    }

    /// <summary>No difference outside <paramref name="rules"/>, and every rule still needed.</summary>
    public static void AssertShape(JsonNode? recorded, JsonNode? actual, ShapeRules? rules = null)
    {
        rules ??= new ShapeRules();
        var differences = JsonShape.Compare(recorded, actual, rules);
        Assert.True(differences.Count == 0, "The answer's shape differs from the recorded one:\n" + string.Join("\n", differences) + "\nAnswer: " + actual?.ToJsonString());
        Assert.True(!rules.Unused.Any(), "These accepted differences no longer occur; remove them here and in docs/emulator.md:\n" + string.Join("\n", rules.Unused));
    }

    /// <summary>
    /// An error answer like the recorded one: the status Salesforce documents for it, the same shape, the same
    /// <c>errorCode</c>, and a message matching <paramref name="message"/> (by default the recorded message itself).
    /// </summary>
    public static void AssertError(JsonNode recorded, int expectedStatus, int status, JsonNode? body, Regex? message = null, ShapeRules? rules = null)
    {
        Assert.Equal(expectedStatus, status);
        AssertShape(recorded, body, rules);
        var want = recorded is JsonArray recordedArray ? recordedArray[0]! : recorded;
        var got = body is JsonArray array ? array[0]! : body!;
        Assert.Equal(want["errorCode"]!.GetValue<string>(), got["errorCode"]!.GetValue<string>());
        var pattern = message ?? new Regex("^" + Regex.Escape(want["message"]!.GetValue<string>()) + "$", RegexOptions.CultureInvariant);
        Assert.Matches(pattern, got["message"]!.GetValue<string>());
    }

    public ValueTask DisposeAsync() => Emulator.DisposeAsync();

    private static CustomObjectOptions Whizbang() => new()
    {
        Name = "Whizbang__c",
        Label = "Whizbang",
        PluralLabel = "Whizbangs",
        Fields =
        [
            new() { Name = "External_Field__c", Type = "string", Length = 40, ExternalId = true },
            new() { Name = "ParentWhizbang__c", Type = "reference", ReferenceTo = ["Whizbang__c"] },
            new() { Name = "Auto_Number__c", Type = "string", Length = 30 },
            new() { Name = "Checkbox_Label__c", Type = "boolean" },
            new() { Name = "Currency_Label__c", Type = "currency" },
            new() { Name = "Date_Label__c", Type = "date" },
            new() { Name = "DateTime_Label__c", Type = "datetime" },
            new() { Name = "OtherDateTime_Label__c", Type = "datetime" },
            new() { Name = "Email_Label__c", Type = "email" },
            new() { Name = "Number_Label__c", Type = "double" },
            new() { Name = "Percent_Label__c", Type = "percent" },
            new() { Name = "Phone_Label__c", Type = "phone" },
            new() { Name = "Picklist_Label__c", Type = "picklist", PicklistValues = ["one", "two", "three"] },
            new() { Name = "Picklist_Multiselect_Label__c", Type = "multipicklist", PicklistValues = ["four", "five", "six"] },
            new() { Name = "Text_Label__c", Type = "string", Length = 80 },
            new() { Name = "TextArea_Label__c", Type = "textarea", Length = 255 },
            new() { Name = "TextAreaLong_Label__c", Type = "textarea", Length = 32768 },
            new() { Name = "TextAreaRich_Label__c", Type = "textarea", Length = 32768 },
            new() { Name = "URL_Label__c", Type = "url" },
        ],
    };
}
