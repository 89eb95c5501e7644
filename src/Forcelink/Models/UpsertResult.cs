
namespace Forcelink.Models;

/// <summary>The outcome of an upsert by external id.</summary>
/// <param name="Id">The record id.</param>
/// <param name="Created"><see langword="true"/> when a new record was created, <see langword="false"/> when one was updated.</param>
public sealed record UpsertResult(string Id, bool Created);
