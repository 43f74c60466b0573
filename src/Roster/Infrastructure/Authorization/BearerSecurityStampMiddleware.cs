using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Roster.Features.Accounts;

namespace Roster.Infrastructure.Authorization;

/// <summary>
/// Identity's bearer tokens are checked only by their signature and expiry. Here a bearer request's security
/// stamp is also compared with the database, as the cookie's is: a password reset (or, later, a disabled
/// account) ends API sessions on their next request instead of when the access token expires.
/// </summary>
public sealed class BearerSecurityStampMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var bearer = context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);
        if (bearer && context.User.Identity?.IsAuthenticated == true)
        {
            // Resolved here, not injected: the sign-in manager brings a DbContext, which anonymous and cookie
            // requests (the cookie handler checks its own stamp) should not pay for.
            var signInManager = context.RequestServices.GetRequiredService<SignInManager<User>>();
            if (await signInManager.ValidateSecurityStampAsync(context.User) is null)
            {
                context.User = new ClaimsPrincipal(new ClaimsIdentity());
            }
        }

        await next(context);
    }
}
