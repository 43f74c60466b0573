using Microsoft.EntityFrameworkCore;
using Roster.Infrastructure.Data;

namespace Roster.Features.Workspaces;

/// <summary>
/// Where a person stands with the dashboard's "Get started" card in one workspace. <see cref="Finished"/>: they
/// dismissed it, or someone has joined the workspace (a link was used), so it never comes back, even when that
/// teammate leaves again. <see cref="NameChosen"/>: the first step (name the workspace) is done.
/// </summary>
public sealed record OnboardingProgress(bool Finished, bool NameChosen);

/// <summary>
/// The first steps of a new Admin and the reminders they can put away: the "Get started" card (per person and
/// workspace) and the reminder to confirm an email address (per person). Both are remembered on the server, so they
/// stay away on every device; reading never changes them.
/// </summary>
public sealed class OnboardingService(RosterDbContext db, TimeProvider time)
{
    /// <summary>The person's progress in the workspace, or null when they are not a member. One query.</summary>
    public Task<OnboardingProgress?> ProgressAsync(Guid workspaceId, Guid userId, CancellationToken cancellationToken) =>
        db.Memberships
            .Where(m => m.WorkspaceId == workspaceId && m.UserId == userId)
            .Join(db.Workspaces, m => m.WorkspaceId, w => w.Id, (m, w) => new { m.OnboardingDismissedAt, w.NameChosenAt })
            .Select(x => new OnboardingProgress(
                x.OnboardingDismissedAt != null || db.InvitationLinks.Any(l => l.WorkspaceId == workspaceId && l.Uses > 0),
                x.NameChosenAt != null))
            .SingleOrDefaultAsync(cancellationToken);

    /// <summary>
    /// Puts the card away for this person in this workspace, for good. Returns false when they are not a member.
    /// Dismissing twice keeps the first time.
    /// </summary>
    public async Task<bool> DismissAsync(Guid workspaceId, Guid userId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNowForStorage();
        var changed = await db.Memberships.Where(m => m.WorkspaceId == workspaceId && m.UserId == userId)
            .ExecuteUpdateAsync(setters => setters.SetProperty(m => m.OnboardingDismissedAt, m => m.OnboardingDismissedAt ?? now), cancellationToken);
        return changed == 1;
    }

    /// <summary>Puts away the reminder to confirm the email address, for this person on every page and device.</summary>
    public Task DismissEmailReminderAsync(Guid userId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNowForStorage();
        return db.Users.Where(u => u.Id == userId && u.EmailReminderDismissedAt == null)
            .ExecuteUpdateAsync(setters => setters.SetProperty(u => u.EmailReminderDismissedAt, now), cancellationToken);
    }
}
