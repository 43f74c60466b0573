using Microsoft.AspNetCore.Diagnostics;

namespace Roster.Infrastructure.Errors;

/// <summary>
/// A request the framework could not read (a body that is not JSON of the expected shape, a query or route value that
/// does not bind, a body over its route's limit) is the caller's mistake: problem+json with the exception's status
/// (400, 413 or 415) and a stable code (<c>request.malformed</c>, <c>request.too_large</c>,
/// <c>request.unsupported_media_type</c>), saying what could not be read, instead of the 500 an unhandled exception
/// would give.
/// </summary>
public sealed class BadRequestExceptionHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest)
        {
            return false;
        }

        var (code, title) = badRequest.StatusCode switch
        {
            StatusCodes.Status413PayloadTooLarge => ("request.too_large", "The request body is larger than this route takes."),
            StatusCodes.Status415UnsupportedMediaType => ("request.unsupported_media_type", "The request body's media type is not one this route reads."),
            _ => ("request.malformed", "The request could not be read: its body is not JSON of the expected shape, or a value in its path or query is not of the expected type."),
        };
        var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails
        {
            Status = badRequest.StatusCode,
            Title = title,
            Detail = badRequest.Message,
        };
        problem.Extensions["code"] = code;
        await TypedResults.Problem(problem).ExecuteAsync(httpContext);
        return true;
    }
}
