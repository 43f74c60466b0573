using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Roster.Features.AccessTokens;

namespace Roster.Infrastructure.Authorization;

/// <summary>
/// Identity's bearer tokens are checked only by their signature and expiry. Here a bearer request's security
/// stamp is also compared with the database, as the cookie's is: a password reset (or a disabled
/// account) ends API sessions on their next request instead of when the access token expires. The read is
/// the same one that loads the route's membership (<see cref="WorkspaceAccess"/>), so it costs no extra round trip.
/// </summary>
public sealed class BearerSecurityStampMiddleware(RequestDelegate next, IOptions<IdentityOptions> identity)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var bearer = context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);
        // API keys and personal access tokens carry no stamp: their handlers read their own rows on every request.
        if (bearer && context.User.Identity?.IsAuthenticated == true && !context.User.IsApiKey() && !context.User.IsAccessToken())
        {
            // Resolved here, not injected: it brings a DbContext, which anonymous and cookie requests (the cookie
            // handler checks its own stamp) should not pay for.
            var access = context.RequestServices.GetRequiredService<WorkspaceAccess>();
            var workspaceId = Guid.TryParse(context.GetRouteValue(WorkspacePolicies.RouteKey) as string, out var id) ? id : (Guid?)null;
            var current = await access.HasCurrentSecurityStampAsync(
                context.User, identity.Value.ClaimsIdentity.SecurityStampClaimType, workspaceId, context.RequestAborted);
            if (!current)
            {
                context.User = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity());
            }
        }

        await next(context);
    }
}
