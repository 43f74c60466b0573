using Microsoft.AspNetCore.Http.HttpResults;
using Roster.Infrastructure.Errors;

namespace Roster.Features.Accounts;

/// <summary>
/// Identity's <c>POST /api/v1/auth/login</c> answers a refused sign-in with 401 and the bare word of its result. A
/// disabled account's refusal (<see cref="Microsoft.AspNetCore.Identity.SignInResult.NotAllowed"/>, given only after
/// the right password: <see cref="RosterSignInManager"/>) becomes 403 <c>auth.account_disabled</c> with a sentence
/// the person can act on; every other answer passes unchanged.
/// </summary>
public sealed class DisabledAccountLoginFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context);
        var problem = result as ProblemHttpResult ?? (result as INestedHttpResult)?.Result as ProblemHttpResult;
        var refused = problem is { StatusCode: StatusCodes.Status401Unauthorized }
            && problem.ProblemDetails.Detail == Microsoft.AspNetCore.Identity.SignInResult.NotAllowed.ToString()
            && context.HttpContext.Request.Path.Value?.EndsWith("/login", StringComparison.OrdinalIgnoreCase) == true;
        return refused ? AccountErrors.Disabled.ToProblem() : result;
    }
}
