using Forcelink.Lambda.Failures;
using Forcelink.Operations;

namespace Forcelink.Tests.Lambda;

/// <summary>The table in docs/fleet.md, row by row: what a redelivery could change decides.</summary>
public sealed class FailureClassifierTests
{
    [Theory]
    [InlineData(503, "SERVER_UNAVAILABLE")]
    [InlineData(503, "SALESFORCE_UNREACHABLE")]
    [InlineData(503, OperationResult.NotStarted)]
    [InlineData(409, "IDEMPOTENCY_IN_PROGRESS")]
    [InlineData(503, "IDEMPOTENCY_UNAVAILABLE")]
    [InlineData(504, OperationResult.OutcomeUnknown)]
    [InlineData(503, "UNABLE_TO_LOCK_ROW")]
    [InlineData(403, "REQUEST_LIMIT_EXCEEDED")]
    [InlineData(429, "API_USAGE_GUARD")]
    [InlineData(503, "LOGIN_FAILED")]
    public void Classify_Retryable_StaysAFailedItem(int status, string code)
    {
        Assert.Equal(FailureDisposition.Retry, FailureClassifier.Classify(OperationResult.Transient(status, code, "Send it again.")));
    }

    [Theory]
    [InlineData(400, "INVALID_REQUEST")]
    [InlineData(403, "FORBIDDEN")]
    [InlineData(400, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST")]
    [InlineData(400, "REQUIRED_FIELD_MISSING")]
    [InlineData(400, "DUPLICATE_VALUE")]
    [InlineData(400, "FIELD_CUSTOM_VALIDATION_EXCEPTION")]
    [InlineData(400, "MALFORMED_ID")]
    [InlineData(404, "NOT_FOUND")]
    [InlineData(404, "ENTITY_IS_DELETED")]
    [InlineData(403, "INSUFFICIENT_ACCESS_OR_READONLY")]
    [InlineData(409, OperationResult.OutcomeUnknown)]
    [InlineData(504, OperationResult.OutcomeUnknown)]
    [InlineData(422, "IDEMPOTENCY_KEY_REUSED")]
    [InlineData(500, "UNEXPECTED_ERROR")]
    public void Classify_NotRetryable_IsPoison(int status, string code)
    {
        Assert.Equal(FailureDisposition.Poison, FailureClassifier.Classify(OperationResult.Failure(status, code, "Change the request.")));
    }

    [Fact]
    public void Classify_Success_Throws()
    {
        Assert.Throws<ArgumentException>(() => FailureClassifier.Classify(OperationResult.Success(201, "00Q000000000001AAA")));
    }
}
