using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using TrainSwarm.Coordination.Rounds;

namespace TrainSwarm.Coordinator.Hosting;

/// <summary>
/// Turns every failure into ProblemDetails: a domain refusal gets its kind's status (<see cref="RefusalStatus"/>) and keeps its
/// words; anything unexpected is a 500 that is logged.
/// </summary>
internal sealed class ProblemHandler(IProblemDetailsService problems, ILogger<ProblemHandler> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellation)
    {
        ProblemDetails details = exception switch
        {
            RefusedException { Refusal: var r } when r.Errors is not null =>
                new HttpValidationProblemDetails(r.Errors.ToDictionary()) { Status = RefusalStatus.Of(r.Kind), Title = r.Title, Detail = r.Detail },
            RefusedException { Refusal: var r } => new ProblemDetails { Status = RefusalStatus.Of(r.Kind), Title = r.Title, Detail = r.Detail },
            BadHttpRequestException b => new ProblemDetails { Status = b.StatusCode, Title = "Bad request", Detail = b.Message },
            OperationCanceledException when http.RequestAborted.IsCancellationRequested =>
                new ProblemDetails { Status = 499, Title = "Client closed request" },
            _ => new ProblemDetails { Status = 500, Title = "Internal error", Detail = "the coordinator failed to handle this request; see its log" },
        };
        if (details.Status == 500)
            log.LogError(exception, "unhandled error on {Method} {Path}", http.Request.Method, http.Request.Path);
        http.Response.StatusCode = details.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = details, Exception = exception });
    }
}
