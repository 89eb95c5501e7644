namespace Forcelink.Lambda.Runtime;

/// <summary>One event to handle: its raw JSON and its context.</summary>
internal sealed record Invocation(ReadOnlyMemory<byte> EventJson, InvocationContext Context);
