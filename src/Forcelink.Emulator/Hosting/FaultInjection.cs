using Forcelink.Emulator.Org;

namespace Forcelink.Emulator.Hosting;

/// <summary>What the drawn faults leave for the endpoint to do: answer writes with UNABLE_TO_LOCK_ROW.</summary>
internal sealed record InjectedFaults(bool LockRow);

/// <summary>Applies the faults a Salesforce request draws: at the edge (latency, dropped connection, gateway and
/// outage pages) before routing, or around it (the commit whose answer is lost).</summary>
internal sealed class FaultInjection(EmulatedOrg org)
{
    /// <summary>Salesforce's 500 body, with a fixed ErrorId so that tests can compare it.</summary>
    private const string CommittedServerErrorBody =
        """[{"message":"An unexpected error occurred. Please include this ErrorId if you contact support: 1234567890-12345 (-1234567890)","errorCode":"UNKNOWN_EXCEPTION"}]""";

    public RequestDelegate Middleware(RequestDelegate next) => context => HandleAsync(context, next, context.RequestAborted);

    private async Task HandleAsync(HttpContext context, RequestDelegate next, CancellationToken cancellationToken)
    {
        var lockRow = false;
        FaultRule? afterCommit = null;
        foreach (var fault in org.FaultInjector.Draw(context.Request.Path.Value ?? "/"))
        {
            switch (fault.Kind)
            {
                case FaultKind.Latency:
                    var delay = Task.Delay(TimeSpan.FromMilliseconds(fault.LatencyMilliseconds), org.TimeProvider, cancellationToken);
                    org.FaultInjector.LatencyStarted();
                    try
                    {
                        await delay;
                    }
                    finally
                    {
                        org.FaultInjector.LatencyEnded();
                    }

                    break;
                case FaultKind.DropConnection:
                    context.Abort();
                    return;
                case FaultKind.ServiceUnavailable:
                    await ResponseWriter.WriteAsync(context, fault.StatusCode ?? 503, ResponseWriter.JsonContentType,
                        """[{"message":"Server is temporarily unavailable. Please try again later.","errorCode":"SERVER_UNAVAILABLE"}]""", cancellationToken);
                    return;
                case FaultKind.BadGateway or FaultKind.GatewayTimeout:
                    var status = fault.StatusCode ?? (fault.Kind == FaultKind.BadGateway ? 502 : 504);
                    var title = status == 502 ? "502 Bad Gateway" : "504 Gateway Time-out";
                    await ResponseWriter.WriteAsync(context, status, "text/html; charset=UTF-8",
                        $"<html><head><title>{title}</title></head><body><center><h1>{title}</h1></center></body></html>", cancellationToken);
                    return;
                case FaultKind.HtmlErrorPage:
                    await ResponseWriter.WriteAsync(context, fault.StatusCode ?? 503, "text/html; charset=UTF-8",
                        "<html><head><title>Data Not Available</title></head><body><h2>Data Not Available</h2>"
                        + "<p>The data you were trying to access could not be found. It may be due to another user deleting the data or a system error.</p></body></html>",
                        cancellationToken);
                    return;
                case FaultKind.UnableToLockRow:
                    lockRow = true;
                    break;
                case FaultKind.CommitThenDropConnection or FaultKind.CommitThenServerError:
                    afterCommit ??= fault;
                    break;
                default:
                    break;
            }
        }

        if (lockRow)
        {
            context.Features.Set(new InjectedFaults(LockRow: true));
        }

        if (afterCommit is null)
        {
            await next(context);
            return;
        }

        // The request must change the org exactly as it would have, so the real handler runs against a body nobody
        // reads; only its answer is lost, which is what a client sees when a commit succeeds and the reply does not.
        var realBody = context.Response.Body;
        context.Response.Body = Stream.Null;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = realBody;
        }

        context.Response.Clear();
        if (afterCommit.Kind == FaultKind.CommitThenDropConnection)
        {
            context.Abort();
            return;
        }

        await ResponseWriter.WriteAsync(context, afterCommit.StatusCode ?? 500, ResponseWriter.JsonContentType, CommittedServerErrorBody, cancellationToken);
    }
}
