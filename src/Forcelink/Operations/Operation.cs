namespace Forcelink.Operations;

/// <summary>A validated operation: every name checked against the policy, every id well-formed. Created by <see cref="OperationRequest.TryValidate"/>.</summary>
public abstract record Operation(OperationKind Kind, string ObjectName);
