using Microsoft.AspNetCore.Http.HttpResults;
using Roster.Infrastructure.Authorization;

namespace Roster.Features.CompanyDomains;

public static class DiscoveryApi
{
    public static RouteGroupBuilder MapDiscoveryApi(this RouteGroupBuilder api)
    {
        api.MapGet("/me/discoverable-workspaces", ListAsync).WithTags("Join requests").RequireAuthorization();
        return api;
    }

    /// <summary>
    /// The workspaces the caller may join or ask to join through their verified email's company domain (SPEC section 5).
    /// An empty list for an unverified address, a public mail domain or a domain no workspace shares; workspaces whose
    /// policy is off are never listed. The same work is done whether or not any match.
    /// </summary>
    private static async Task<Ok<IEnumerable<DiscoverableWorkspaceResponse>>> ListAsync(
        HttpContext http, DiscoveryService discovery, CancellationToken cancellationToken) =>
        TypedResults.Ok((await discovery.ListAsync(http.User.UserId(), cancellationToken)).Select(w => w.ToResponse()));
}
