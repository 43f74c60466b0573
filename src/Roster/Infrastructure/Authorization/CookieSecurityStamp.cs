using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Roster.Infrastructure.Authorization;

/// <summary>
/// The session cookie's security-stamp check, on every request (a password change or reset ends every other
/// session at once, on every instance). It replaces Identity's <c>SecurityStampValidator</c>, which with no
/// interval read the whole user row and re-issued the cookie on every request: here the stamp comes from the
/// same row <see cref="WorkspaceAccess"/> reads for the route's membership, so it costs no extra round trip.
/// </summary>
public static class CookieSecurityStamp
{
    public static async Task ValidatePrincipalAsync(CookieValidatePrincipalContext context)
    {
        if (context.Principal is not { } principal)
        {
            return;
        }

        var http = context.HttpContext;
        var access = http.RequestServices.GetRequiredService<WorkspaceAccess>();
        var stampClaim = http.RequestServices.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity.SecurityStampClaimType;
        var workspaceId = Guid.TryParse(http.GetRouteValue(WorkspacePolicies.RouteKey) as string, out var id) ? id : (Guid?)null;
        if (!await access.HasCurrentSecurityStampAsync(principal, stampClaim, workspaceId, http.RequestAborted))
        {
            context.RejectPrincipal();
            await http.SignOutAsync(IdentityConstants.ApplicationScheme);
        }
    }
}
