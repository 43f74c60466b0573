using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Roster.Features.Members;
using Roster.Infrastructure.Data;

namespace Roster.Infrastructure.Authorization;

/// <summary>
/// Reads the caller's membership of a workspace from the database, once per request. Nothing is cached
/// across requests, so a removed or demoted member loses access on their next request, on every instance.
/// </summary>
public sealed class WorkspaceAccess(RosterDbContext db)
{
    private readonly Dictionary<(Guid WorkspaceId, Guid UserId), Membership?> cache = [];

    public async Task<Membership?> FindMembershipAsync(Guid workspaceId, Guid userId, CancellationToken cancellationToken)
    {
        if (!cache.TryGetValue((workspaceId, userId), out var membership))
        {
            membership = await db.Memberships.AsNoTracking()
                .SingleOrDefaultAsync(m => m.WorkspaceId == workspaceId && m.UserId == userId, cancellationToken);
            cache[(workspaceId, userId)] = membership;
        }

        return membership;
    }
}

public static class ClaimsPrincipalExtensions
{
    /// <summary>The signed-in user's id; only call where authentication is required.</summary>
    public static Guid UserId(this ClaimsPrincipal principal) =>
        Guid.Parse(principal.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("Not signed in."));

    public static Guid? FindUserId(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;
}
