using Roster.Infrastructure.Errors;

namespace Roster.Features.Accounts;

/// <summary>
/// <c>MapIdentityApi</c> maps <c>GET /api/v1/auth/confirmEmail</c>, which confirms an address on a GET: a mail
/// scanner or a link preview would confirm it (SPEC section 8: no GET changes state). Identity offers no way to
/// leave one endpoint out, so this filter answers 404 for it; Roster's emails link to its own page, whose button
/// POSTs the confirmation.
/// </summary>
public sealed class NoConfirmationByGetFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        if (HttpMethods.IsGet(request.Method) && request.Path.Value?.EndsWith("/confirmEmail", StringComparison.OrdinalIgnoreCase) == true)
        {
            return ProblemResults.Problem(StatusCodes.Status404NotFound, "not_found", "Confirm your email from the link in the email Roster sent you.");
        }

        return await next(context);
    }
}
