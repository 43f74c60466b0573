using System.Diagnostics;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace Roster.Infrastructure.Errors;

/// <summary>
/// The API answers problem+json whatever the request's <c>Accept</c> says: it has no other representation of an error.
/// Registered after the framework's writer, which writes only for an <c>Accept</c> that takes JSON; for any other
/// (<c>text/html</c>, <c>application/xml</c>) under <c>/api</c>, this one writes the same problem, with its
/// <c>code</c> (the <c>CustomizeProblemDetails</c> callback) and <c>traceId</c>, instead of the status code pages'
/// plain text.
/// </summary>
public sealed class ApiProblemWriter(IOptions<ProblemDetailsOptions> problemOptions, IOptions<JsonOptions> jsonOptions) : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => context.HttpContext.Request.Path.StartsWithSegments("/api");

    public async ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        var problem = context.ProblemDetails;
        problem.Status ??= http.Response.StatusCode;
        problem.Title ??= ReasonPhrases.GetReasonPhrase(problem.Status.Value);
        problem.Extensions.TryAdd("traceId", Activity.Current?.Id ?? http.TraceIdentifier);
        problemOptions.Value.CustomizeProblemDetails?.Invoke(context);
        await http.Response.WriteAsJsonAsync(
            problem, jsonOptions.Value.SerializerOptions.GetTypeInfo(problem.GetType()), "application/problem+json", http.RequestAborted);
    }
}
