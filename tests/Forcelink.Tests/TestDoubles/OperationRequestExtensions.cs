using System.Text;
using System.Text.Json.Nodes;
using Forcelink.Operations;

namespace Forcelink.Tests.TestDoubles;

/// <summary>The tuple-shaped reads the tests were written with, over the library's Try methods.</summary>
internal static class OperationRequestExtensions
{
    extension(OperationRequest)
    {
        public static (OperationRequest? Request, OperationResult? Error) Parse(ReadOnlySpan<byte> json) =>
            OperationRequest.TryParse(json, out var request, out var error) ? (request, null) : (null, error);

        public static OperationRequest FromJson(JsonObject json) =>
            OperationRequest.TryParse(Encoding.UTF8.GetBytes(json.ToJsonString()), out var request, out var error)
                ? request
                : throw new ArgumentException($"The test's request cannot be read: {error}", nameof(json));
    }

    extension(OperationRequest request)
    {
        public (Operation? Operation, OperationResult? Error) Validate(OperationPolicy policy) =>
            request.TryValidate(policy, out var operation, out var error) ? (operation, null) : (null, error);

        public JsonObject Json => (JsonObject)JsonNode.Parse(request.ToJsonString())!;
    }
}
