using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Roster.Infrastructure.Errors;

/// <summary>Maps <see cref="Error"/> values to RFC 9457 problem+json responses with a stable <c>code</c>.</summary>
public static class ProblemResults
{
    public static int StatusCode(this ErrorKind kind) => kind switch
    {
        ErrorKind.Validation => StatusCodes.Status400BadRequest,
        ErrorKind.NotFound => StatusCodes.Status404NotFound,
        ErrorKind.Forbidden => StatusCodes.Status403Forbidden,
        ErrorKind.Conflict => StatusCodes.Status409Conflict,
        ErrorKind.Gone => StatusCodes.Status410Gone,
        _ => StatusCodes.Status400BadRequest,
    };

    public static ProblemHttpResult ToProblem(this Error error)
    {
        ProblemDetails problem = error.Fields is { Count: > 0 } fields
            ? new HttpValidationProblemDetails(fields.ToDictionary(pair => pair.Key, pair => pair.Value))
            : new ProblemDetails();
        problem.Status = error.Kind.StatusCode();
        problem.Title = error.Message;
        problem.Extensions["code"] = error.Code;
        return TypedResults.Problem(problem);
    }

    public static ProblemHttpResult Problem(int status, string code, string title)
    {
        var problem = new ProblemDetails { Status = status, Title = title };
        problem.Extensions["code"] = code;
        return TypedResults.Problem(problem);
    }
}
