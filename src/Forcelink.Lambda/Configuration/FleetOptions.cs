namespace Forcelink.Lambda.Configuration;

/// <summary>
/// Where the function's containers share state: the token table (<c>FORCELINK_TOKEN_TABLE</c>), the KMS key that
/// encrypts tokens in it (<c>FORCELINK_TOKEN_KMS_KEY_ID</c>), and the idempotency table (<c>FORCELINK_IDEMPOTENCY_TABLE</c>).
/// A table left unset keeps that state in the container's memory.
/// </summary>
/// <param name="TokenTable">The token table, or <see langword="null"/>.</param>
/// <param name="TokenKmsKeyId">The KMS key for tokens, or <see langword="null"/> to rely on the table's encryption at rest.</param>
/// <param name="IdempotencyTable">The idempotency table, or <see langword="null"/>.</param>
/// <param name="FunctionName">The first part of idempotency record ids (<c>AWS_LAMBDA_FUNCTION_NAME</c>), so functions can share a table.</param>
internal sealed record FleetOptions(string? TokenTable, string? TokenKmsKeyId, string? IdempotencyTable, string FunctionName);
