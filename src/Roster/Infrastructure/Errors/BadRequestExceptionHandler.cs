using Microsoft.AspNetCore.Diagnostics;

namespace Roster.Infrastructure.Errors;

/// <summary>
/// A body that is not valid JSON, or not of the expected shape, is the caller's mistake: answer 400 with a
/// stable code and say what could not be read, instead of the 500 an unhandled exception would give.
/// </summary>
public sealed class BadRequestExceptionHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest)
        {
            return false;
        }

        var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails
        {
            Status = badRequest.StatusCode,
            Title = "The request body is missing or is not JSON of the expected shape.",
            Detail = badRequest.Message,
        };
        problem.Extensions["code"] = "request.malformed";
        await TypedResults.Problem(problem).ExecuteAsync(httpContext);
        return true;
    }
}
