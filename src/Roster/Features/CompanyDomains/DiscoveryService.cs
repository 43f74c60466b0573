using Microsoft.EntityFrameworkCore;
using Roster.Features.JoinRequests;
using Roster.Features.Plans;
using Roster.Infrastructure.Data;

namespace Roster.Features.CompanyDomains;

/// <summary>
/// "Your team may already use Roster" (SPEC sections 1.1 and 5): the workspaces a person may join or ask to join
/// because their VERIFIED email is on the workspace's company domain and its policy is not <c>off</c>. Nothing is ever
/// said about a workspace with the policy off, and unverified addresses and public mail domains see nothing. The answer
/// takes the same work whether or not anything matches: the person's row by its key, then one query on the index of
/// normalised domains, which runs for every caller (with a condition that is false for those who may see nothing).
/// </summary>
public sealed class DiscoveryService(RosterDbContext db, PublicMailDomains publicDomains, PlanCatalog plans)
{
    /// <summary>At most this many workspaces are listed (a domain with more is unusual; the oldest come first).</summary>
    public const int MaxListed = 20;

    /// <summary>The workspaces the person may join or ask to join, those they already belong to left out.</summary>
    public Task<IReadOnlyList<DiscoverableWorkspace>> ListAsync(Guid userId, CancellationToken cancellationToken) =>
        FindAsync(userId, workspaceId: null, cancellationToken);

    /// <summary>One workspace, when it is discoverable for the person; null otherwise (for any reason: the caller says 404).</summary>
    public async Task<DiscoverableWorkspace?> GetAsync(Guid userId, Guid workspaceId, CancellationToken cancellationToken) =>
        await FindAsync(userId, workspaceId, cancellationToken) is [var found, ..] ? found : null;

    /// <summary>Whether the person would see the page at all (a first sign-in asks this before creating a workspace).</summary>
    public async Task<bool> AnyAsync(Guid userId, CancellationToken cancellationToken) =>
        (await FindAsync(userId, workspaceId: null, cancellationToken)).Count > 0;

    private async Task<IReadOnlyList<DiscoverableWorkspace>> FindAsync(Guid userId, Guid? workspaceId, CancellationToken cancellationToken)
    {
        var person = await db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new { u.Email, u.EmailConfirmed }).SingleOrDefaultAsync(cancellationToken);

        // Only an address the person proved says which company they are at (SPEC section 2).
        var domain = person is { EmailConfirmed: true } ? CompanyDomainNames.OfEmail(person.Email) : null;
        var eligible = domain is not null && !publicDomains.Contains(domain);
        var key = domain ?? "";
        var rows = await db.Workspaces.AsNoTracking()
            .Where(w => eligible && w.CompanyDomain == key && w.JoinPolicy != JoinPolicy.Off)
            .Where(w => workspaceId == null || w.Id == workspaceId)
            .Where(w => !db.Memberships.Any(m => m.WorkspaceId == w.Id && m.UserId == userId))
            .OrderBy(w => w.CreatedAt)
            .Take(MaxListed)
            .Select(w => new
            {
                w.Id,
                w.Name,
                w.MemberCount,
                w.JoinPolicy,
                w.Plan,
                w.AutoJoinPermissionId,
                Requested = db.JoinRequests.Any(r => r.WorkspaceId == w.Id && r.UserId == userId && r.Status == JoinRequestStatus.Pending),
            })
            .ToListAsync(cancellationToken);

        // A workspace whose plan no longer includes automatic join (moved to a smaller plan) takes requests instead.
        return [.. rows.Select(r => new DiscoverableWorkspace(
            r.Id,
            r.Name,
            r.MemberCount,
            r.JoinPolicy == JoinPolicy.Automatic && !plans.Of(r.Plan).Has(PlanFeature.AutomaticDomainJoin) ? JoinPolicy.Request : r.JoinPolicy,
            r.AutoJoinPermissionId,
            r.Requested))];
    }
}
