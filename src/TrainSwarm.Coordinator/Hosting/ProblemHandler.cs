using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using TrainSwarm.Coordinator.State;

namespace TrainSwarm.Coordinator.Hosting;

/// <summary>Turns every failure into ProblemDetails: refusals keep their status and words; anything unexpected is a 500 that is logged.</summary>
internal sealed class ProblemHandler(IProblemDetailsService problems, ILogger<ProblemHandler> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellation)
    {
        ProblemDetails details = exception switch
        {
            ApiProblemException p when p.Errors is not null => new HttpValidationProblemDetails(p.Errors) { Status = p.Status, Title = p.Title, Detail = p.Message },
            ApiProblemException p => new ProblemDetails { Status = p.Status, Title = p.Title, Detail = p.Message },
            BadHttpRequestException b => new ProblemDetails { Status = b.StatusCode, Title = "Bad request", Detail = b.Message },
            OperationCanceledException when http.RequestAborted.IsCancellationRequested => new ProblemDetails { Status = 499, Title = "Client closed request" },
            _ => new ProblemDetails { Status = 500, Title = "Internal error", Detail = "the coordinator failed to handle this request; see its log" },
        };
        if (details.Status == 500)
            log.LogError(exception, "unhandled error on {Method} {Path}", http.Request.Method, http.Request.Path);
        http.Response.StatusCode = details.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = details, Exception = exception });
    }
}
