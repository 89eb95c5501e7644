using Forcelink.Lambda.Runtime;

namespace Forcelink.Lambda.Observability;

/// <summary>
/// The invocation in progress, so every log line and metric carries its request id. Lambda runs one invocation at a time
/// per process, so one mutable slot is enough (and unlike an AsyncLocal it also covers work started during init).
/// </summary>
internal sealed class CurrentInvocation
{
    private volatile InvocationContext? _context;

    public InvocationContext? Context => _context;

    public string? RequestId => _context?.RequestId;

    public string? TraceId => _context?.TraceId;

    public void Begin(InvocationContext context) => _context = context;

    public void End() => _context = null;
}
