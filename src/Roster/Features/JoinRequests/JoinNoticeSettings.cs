using Microsoft.EntityFrameworkCore;
using Roster.Infrastructure.Data;

namespace Roster.Features.JoinRequests;

/// <summary>
/// An Admin's choice to get, or not, the emails that tell them someone asked to join or joined their workspace
/// (<see cref="Members.Membership.JoinNoticesOffAt"/>). Written outside the membership writer: it changes no access.
/// </summary>
public sealed class JoinNoticeSettings(RosterDbContext db, TimeProvider time)
{
    /// <summary>Whether the member gets the emails, or null when they are not a member of the workspace.</summary>
    public Task<bool?> GetAsync(Guid workspaceId, Guid userId, CancellationToken cancellationToken) =>
        db.Memberships.AsNoTracking().Where(m => m.WorkspaceId == workspaceId && m.UserId == userId)
            .Select(m => (bool?)(m.JoinNoticesOffAt == null)).SingleOrDefaultAsync(cancellationToken);

    /// <summary>Turns the emails on or off for this member; false when they are not a member.</summary>
    public async Task<bool> SetAsync(Guid workspaceId, Guid userId, bool enabled, CancellationToken cancellationToken)
    {
        DateTimeOffset? off = time.GetUtcNowForStorage();
        var membership = db.Memberships.Where(m => m.WorkspaceId == workspaceId && m.UserId == userId);
        var changed = enabled
            ? await membership.ExecuteUpdateAsync(setters => setters.SetProperty(m => m.JoinNoticesOffAt, (DateTimeOffset?)null), cancellationToken)
            : await membership.ExecuteUpdateAsync(setters => setters.SetProperty(m => m.JoinNoticesOffAt, m => m.JoinNoticesOffAt ?? off), cancellationToken);
        return changed == 1;
    }
}
