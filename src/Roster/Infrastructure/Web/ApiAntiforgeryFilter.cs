using Microsoft.AspNetCore.Antiforgery;
using Roster.Infrastructure.Errors;

namespace Roster.Infrastructure.Web;

/// <summary>
/// The dashboard's cookie also works on the API, so an unsafe API call that rides on the cookie must carry
/// the antiforgery token (header <c>RequestVerificationToken</c>). Bearer-token calls cannot be forged
/// cross-site and need none.
/// </summary>
public sealed class ApiAntiforgeryFilter(IAntiforgery antiforgery) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var request = http.Request;
        var unsafeMethod = !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method));
        var usesCookie = request.Headers.Authorization.Count == 0
            && request.Cookies.ContainsKey(HostPrefixedCookieManager.NameFor(request, CookieNames.Application));
        if (unsafeMethod && usesCookie && !await antiforgery.IsRequestValidAsync(http))
        {
            return ProblemResults.Problem(StatusCodes.Status400BadRequest, "antiforgery.invalid",
                "The request's antiforgery token is missing or invalid. Reload the page and try again.");
        }

        return await next(context);
    }
}

public static class CookieNames
{
    public const string Application = ".Roster.Session";
    public const string Antiforgery = ".Roster.Antiforgery";
}
