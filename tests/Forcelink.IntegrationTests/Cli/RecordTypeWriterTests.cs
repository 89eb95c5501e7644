using Forcelink.Cli.Generation;
using Forcelink.Models;

namespace Forcelink.IntegrationTests.Cli;

/// <summary>The pieces of <c>forcelink generate</c> without an org: C# names, type mapping, collisions and the written text.</summary>
public sealed class RecordTypeWriterTests
{
    [Theory]
    [InlineData("Ext_Id__c", "ExtId")]
    [InlineData("Invoice__c", "Invoice")]
    [InlineData("FirstName", "FirstName")]
    [InlineData("my_field_1__c", "MyField1")]
    [InlineData("acme__Rate__c", "AcmeRate")]
    [InlineData("Location__Latitude__s", "LocationLatitude")]
    [InlineData("Setting__mdt", "Setting")]
    [InlineData("Invoice__History", "InvoiceHistory")]
    [InlineData("class__c", "Class")]
    [InlineData("namespace", "Namespace")]
    [InlineData("string", "String")]
    [InlineData("X2nd_Phone__c", "X2ndPhone")]
    public void From_ApiName_IsAPascalCaseIdentifierThatIsNoKeyword(string apiName, string expected)
    {
        var name = CSharpNames.From(apiName);

        Assert.Equal(expected, name);
        Assert.True(CSharpNames.IsIdentifier(name), name);
    }

    [Theory]
    [InlineData("Acme.Salesforce", true)]
    [InlineData("Records", true)]
    [InlineData("Acme..Salesforce", false)]
    [InlineData("Acme.class", false)]
    [InlineData("1Acme", false)]
    [InlineData("Acme-Co", false)]
    public void IsNamespace_AcceptsDottedIdentifiersOnly(string text, bool expected) => Assert.Equal(expected, CSharpNames.IsNamespace(text));

    [Fact]
    public void Unique_FirstClaimantKeepsTheName_LaterOnesTakeTheSuffixThenANumber_IgnoringCase()
    {
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        Assert.Equal(
            ["ExtId", "ExtIdField", "extidField2", "Other"],
            [CSharpNames.Unique("ExtId", "Field", taken), CSharpNames.Unique("ExtId", "Field", taken), CSharpNames.Unique("extid", "Field", taken), CSharpNames.Unique("Other", "Field", taken)]);
    }

    [Theory]
    [InlineData("id", "string?")]
    [InlineData("reference", "string?")]
    [InlineData("string", "string?")]
    [InlineData("picklist", "string?")]
    [InlineData("multipicklist", "string?")]
    [InlineData("textarea", "string?")]
    [InlineData("url", "string?")]
    [InlineData("email", "string?")]
    [InlineData("phone", "string?")]
    [InlineData("combobox", "string?")]
    [InlineData("encryptedstring", "string?")]
    [InlineData("boolean", "bool?")]
    [InlineData("int", "int?")]
    [InlineData("long", "long?")]
    [InlineData("double", "decimal?")]
    [InlineData("currency", "decimal?")]
    [InlineData("percent", "decimal?")]
    [InlineData("date", "global::System.DateOnly?")]
    [InlineData("datetime", "global::System.DateTimeOffset?")]
    [InlineData("time", "global::System.TimeOnly?")]
    [InlineData("anyType", "global::System.Text.Json.Nodes.JsonNode?")]
    public void For_FieldType_MapsToTheCSharpType(string type, string expected)
    {
        var mapping = FieldTypeMapping.For(new FieldDescription { Name = "F__c", Type = type }, out var reason);

        Assert.Equal(expected, mapping?.Type);
        Assert.Null(reason);
    }

    [Theory]
    [InlineData("address", "compound address")]
    [InlineData("location", "compound location")]
    [InlineData("base64", "base64")]
    [InlineData("mystery", "type 'mystery' has no C# mapping")]
    public void For_CompoundBlobOrUnknownType_IsSkippedWithItsReason(string type, string reason)
    {
        Assert.Null(FieldTypeMapping.For(new FieldDescription { Name = "F", Type = type }, out var why));
        Assert.StartsWith(reason, why, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_CollidingNames_StandardFieldsFirstThenCustom_ReservedAndClassNameAvoided_InheritedFieldsLeftToSObject()
    {
        var plan = RecordTypePlan.Create(Describe("Invoice__c",
            Field("Id", "id", readOnly: true),
            Field("CreatedDate", "datetime", readOnly: true),
            Field("Ext_Id__c", "string", custom: true),
            Field("ExtId__c", "string", custom: true),
            Field("Name", "string"),
            Field("Name__c", "string", custom: true),
            Field("Set__c", "string", custom: true),
            Field("Item__c", "string", custom: true),
            Field("Invoice__c", "string", custom: true),
            Field("Amount", "currency"),
            Field("BillingAddress", "address", readOnly: true),
            Field("Scan__c", "base64", custom: true)), "Invoice");

        Assert.Equal(
            [("Amount", "Amount"), ("Name", "Name"), ("ExtId__c", "ExtId"), ("Ext_Id__c", "ExtIdField"), ("Invoice__c", "InvoiceField"),
             ("Item__c", "ItemField"), ("Name__c", "NameField"), ("Set__c", "SetField")],
            plan.Properties.Select(p => (p.Field.Name, p.Name)));
        Assert.Equal(["BillingAddress", "Scan__c"], plan.Skipped.Select(s => s.Name));
    }

    [Fact]
    public void Reserved_HoldsEverySObjectAndObjectMemberAPropertyCouldHide()
    {
        foreach (var name in new[] { "Id", "ObjectName", "FieldNames", "Item", "Set", "GetString", "GetDecimal", "Has", "Remove", "ToJson", "FromJson", "GetRelated", "ToString", "Equals", "GetType", "MemberwiseClone" })
        {
            Assert.Contains(name, RecordTypePlan.Reserved);
        }
    }

    [Fact]
    public void Write_ReadOnlyFieldHasNoSetter_LabelsAreEscaped_AndLinesEndInLineFeedsOnly()
    {
        var stage = Field("Stage__c", "picklist", custom: true, label: "Stage");
        stage.DefaultedOnCreate = true;
        stage.PicklistValues = [new PicklistValue { Value = "New", Active = true, DefaultValue = true }, new PicklistValue { Value = "Done", Active = true }];
        var plan = RecordTypePlan.Create(Describe("Ticket__c",
            Field("Number__c", "string", custom: true, readOnly: true, label: "Number"),
            Field("Terms__c", "picklist", custom: true, label: "Terms & <Conditions>", values: ["Net 30", "A&B"]),
            Field("Due__c", "time", custom: true, label: "Due\r\nTime"),
            stage), "Ticket");

        var text = RecordTypeWriter.Write(plan, "Acme.Salesforce", GeneratedHeader.For("forcelink generate Ticket__c --namespace Acme.Salesforce --context SalesforceJsonContext"));

        Assert.DoesNotContain("\r", text, StringComparison.Ordinal);
        Assert.True(GeneratedHeader.IsGenerated(text));
        Assert.Contains("    public string? Number => GetString(\"Number__c\");\n", text, StringComparison.Ordinal);
        Assert.Contains("/// <summary>Terms &amp; &lt;Conditions&gt; (<c>Terms__c</c>): picklist: Net 30, A&amp;B.</summary>", text, StringComparison.Ordinal);
        Assert.Contains("/// <summary>Due Time (<c>Due__c</c>): time of day.</summary>", text, StringComparison.Ordinal);
        Assert.Contains("/// <summary>Stage (<c>Stage__c</c>): picklist: New, Done. Salesforce sets a default on create when it is left empty (New).</summary>", text, StringComparison.Ordinal);
        Assert.Contains("static string global::Forcelink.Records.ISObjectType.ObjectName => \"Ticket__c\";", text, StringComparison.Ordinal);
    }

    [Fact]
    public void IsGenerated_OnlyFilesThatOpenWithTheHeader_WhateverTheLineEnds()
    {
        var header = GeneratedHeader.For("forcelink generate Lead --namespace A --context AJsonContext");

        Assert.True(GeneratedHeader.IsGenerated(header.ReplaceLineEndings("\r\n")));
        Assert.False(GeneratedHeader.IsGenerated("// <auto-generated>\n// by another tool\n"));
        Assert.False(GeneratedHeader.IsGenerated("namespace Acme;\npublic sealed class Lead;\n"));
    }

    private static SObjectDescription Describe(string name, params FieldDescription[] fields) =>
        new() { Name = name, Label = name.Replace("__c", "", StringComparison.Ordinal), Custom = name.EndsWith("__c", StringComparison.Ordinal), Fields = fields };

    private static FieldDescription Field(string name, string type, bool custom = false, bool readOnly = false, string? label = null, string[]? values = null) => new()
    {
        Name = name,
        Label = label ?? name,
        Type = type,
        Custom = custom,
        Nillable = true,
        Createable = !readOnly,
        Updateable = !readOnly,
        PicklistValues = [.. (values ?? []).Select(v => new PicklistValue { Value = v, Label = v, Active = true })],
    };
}
