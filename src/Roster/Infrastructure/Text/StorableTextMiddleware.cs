using Roster.Infrastructure.Errors;

namespace Roster.Infrastructure.Text;

/// <summary>
/// The edge for query and route values (<c>?q=</c>, <c>?actor=</c>, <c>?handler=</c>, a token in the path): a value
/// with NUL or an unpaired surrogate is refused before any endpoint reads it. On the API, 400
/// <c>validation_failed</c> naming the parameter; on pages, 400 and the calm error page (a URL has no form to show an
/// error beside). Lengths are the endpoints' own rules: a query value is compared, never stored.
/// </summary>
public sealed class StorableTextMiddleware(RequestDelegate next)
{
    /// <summary>Checks the request's query and route values, then runs the rest of the pipeline.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        if (FirstRefusal(context.Request) is { } refusal)
        {
            if (context.Request.Path.StartsWithSegments("/api"))
            {
                await Error.Validation(refusal.Field, refusal.Problem).ToProblem().ExecuteAsync(context);
            }
            else
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
            }

            return;
        }

        await next(context);
    }

    private static (string Field, string Problem)? FirstRefusal(HttpRequest request)
    {
        if (request.QueryString.HasValue)
        {
            foreach (var (name, values) in request.Query)
            {
                foreach (var value in values)
                {
                    if (StorableText.Problem(value) is { } problem)
                    {
                        return (name, problem);
                    }
                }
            }
        }

        foreach (var (name, value) in request.RouteValues)
        {
            if (value is string text && StorableText.Problem(text) is { } problem)
            {
                return (name, problem);
            }
        }

        return null;
    }
}
