using Forcelink.Bulk;

namespace Forcelink.Tests.Bulk;

public sealed class BulkErrorTextTests
{
    [Theory]
    [InlineData("REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName --", "REQUIRED_FIELD_MISSING", "Required fields are missing: [LastName]", "LastName")]
    [InlineData("INVALID_CROSS_REFERENCE_KEY:invalid cross reference id:--", "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", "")]
    [InlineData("DUPLICATE_VALUE:duplicate value found: Ext_Id__c duplicates value on record with id: 00Q5e00000AbCdE:Ext_Id__c --", "DUPLICATE_VALUE", "duplicate value found: Ext_Id__c duplicates value on record with id: 00Q5e00000AbCdE", "Ext_Id__c")]
    [InlineData("FIELD_CUSTOM_VALIDATION_EXCEPTION:Email or Phone is needed:Email,Phone --", "FIELD_CUSTOM_VALIDATION_EXCEPTION", "Email or Phone is needed", "Email,Phone")]
    [InlineData("ENTITY_IS_DELETED:entity is deleted", "ENTITY_IS_DELETED", "entity is deleted", "")]
    [InlineData("Error Message", "UNKNOWN_ERROR", "Error Message", "")]
    [InlineData("", "UNKNOWN_ERROR", "", "")]
    public void Parse_SfError_SplitsCodeMessageAndFields(string text, string code, string message, string fields)
    {
        var error = BulkErrorText.Parse(text);

        Assert.Equal(code, error.ErrorCode);
        Assert.Equal(message, error.Message);
        Assert.Equal(fields, string.Join(',', error.Fields));
    }
}
