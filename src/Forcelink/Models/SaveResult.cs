
namespace Forcelink.Models;

/// <summary>The outcome of writing one record in a collection call, in input order.</summary>
/// <param name="Id">The record id; <see langword="null"/> when a create failed.</param>
/// <param name="IsSuccess">Whether the record was written (Salesforce's <c>success</c>).</param>
/// <param name="Errors">Why it was not (Salesforce's <c>statusCode</c> as <see cref="SalesforceError.ErrorCode"/>); empty on success.</param>
/// <param name="Created">For upserts: whether a new record was created; <see langword="null"/> for other operations.</param>
public sealed record SaveResult(string? Id, bool IsSuccess, IReadOnlyList<SalesforceError> Errors, bool? Created = null);
