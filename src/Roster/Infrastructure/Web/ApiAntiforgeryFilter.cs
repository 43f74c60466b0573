using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Roster.Features.AccessTokens;
using Roster.Infrastructure.Authorization;
using Roster.Infrastructure.Errors;

namespace Roster.Infrastructure.Web;

/// <summary>
/// The dashboard's cookie also works on the API, so an unsafe API call that carries the cookie must carry the
/// antiforgery token (header <c>RequestVerificationToken</c>) unless the request was authenticated by a bearer token or
/// a workspace API key: a browser never adds those cross-site, so such a call cannot be forged. Any other
/// <c>Authorization</c> header (<c>Basic x:x</c>, a bearer token that is not valid) proves nothing: a cross-site form or
/// fetch can send one beside the cookie, so it is checked (OWASP ASVS 4.0 V4.2.2).
/// </summary>
public sealed class ApiAntiforgeryFilter(IAntiforgery antiforgery) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var request = http.Request;
        var unsafeMethod = !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method));
        // Checked whenever the session cookie comes along, unless a bearer token, an API key or a personal access token
        // authenticated the request (a browser never sends those on its own; any other Authorization header proves nothing).
        var usesCookie = request.Cookies.ContainsKey(HostPrefixedCookieManager.NameFor(request, CookieNames.Application))
            && !http.User.IsApiKey()
            && !http.User.IsAccessToken()
            && !(request.Headers.Authorization.Count > 0 && (await http.AuthenticateAsync(IdentityConstants.BearerScheme)).Succeeded);
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
