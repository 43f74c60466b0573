using System.Text.Encodings.Web;
using Microsoft.EntityFrameworkCore;
using Roster.Features.Permissions;
using Roster.Infrastructure.Data;
using Roster.Infrastructure.Email;
using Roster.Infrastructure.Web;

namespace Roster.Features.Plans;

/// <summary>
/// Tells a workspace's Admins by email that someone could not join because the plan is full, at most once a day per
/// workspace (SPEC section 6), on any number of instances.
/// </summary>
public sealed class MemberLimitNotices(
    RosterDbContext db, PlanCatalog plans, EmailOutbox outbox, PublicUrls urls, TimeProvider time)
{
    /// <summary>The outbox's <see cref="OutboxMessage.Kind"/> of these notices.</summary>
    public const string Kind = "plan.member_limit_reached";

    /// <summary>At most one notice per workspace in this time.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromDays(1);

    /// <summary>
    /// Called after an accept was refused with <c>plan.member_limit_reached</c> (after its transaction rolled back).
    /// A conditional update on <c>Workspace.MemberLimitNoticeSentAt</c> (never sent, or more than a day ago) decides:
    /// one caller wins it, and only the winner emails every Admin of the workspace. The email names the workspace, its
    /// plan and the person who could not join; it carries no token. The claim and the messages (the durable outbox,
    /// <see cref="EmailOutbox"/>) are one transaction, so the day's notice is claimed exactly when its messages are saved,
    /// and the refused request never waits on the mail server; once the day's notice is claimed its reads no longer
    /// follow the request's cancellation (a client that hangs up does not lose the Admins their notice). Returns how many
    /// Admins were sent a message (0 when another refusal already told them within the day).
    /// </summary>
    public async Task<int> NotifyAsync(Guid workspaceId, Guid refusedUserId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNowForStorage();
        var since = now - Interval;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var won = await db.Workspaces
            .Where(w => w.Id == workspaceId && (w.MemberLimitNoticeSentAt == null || w.MemberLimitNoticeSentAt <= since))
            .ExecuteUpdateAsync(setters => setters.SetProperty(w => w.MemberLimitNoticeSentAt, now), cancellationToken);
        if (won == 0)
        {
            return 0;
        }

        // The day's notice is ours: from here on, finish whatever the client does.
        cancellationToken = CancellationToken.None;
        var workspace = await db.Workspaces.AsNoTracking().Where(w => w.Id == workspaceId)
            .Select(w => new { w.Name, w.Plan, w.MemberCount })
            .SingleAsync(cancellationToken);
        var admins = await db.Memberships.AsNoTracking()
            .Where(m => m.WorkspaceId == workspaceId)
            .Join(db.Permissions.Where(PermissionQueries.Administers), m => m.PermissionId, p => p.Id, (m, p) => m.UserId)
            .Join(db.Users, userId => userId, u => u.Id, (userId, u) => u.Email)
            .Where(email => email != null)
            .ToListAsync(cancellationToken);
        var person = await db.Users.AsNoTracking().Where(u => u.Id == refusedUserId)
            .Select(u => new { u.Name, u.Email }).SingleOrDefaultAsync(cancellationToken);

        var plan = plans.Of(workspace.Plan);
        var who = person is null ? "Someone"
            : string.IsNullOrWhiteSpace(person.Name) ? person.Email ?? "Someone"
            : $"{person.Name} ({person.Email})";
        var seats = plan.MemberLimit is { } limit ? $"{workspace.MemberCount} of {limit} members" : $"{workspace.MemberCount} members";
        var subject = $"Someone could not join {workspace.Name}: its plan is full";
        var text = $"{who} tried to join {workspace.Name} with an invitation link, but the workspace has {seats}, as many as "
            + $"its {plan.Name} plan allows. Their link still works: they can join once a seat is free. To make room, remove "
            + "a member in Settings > Members, or ask the operator of this Roster server to move the workspace to a bigger plan. "
            + $"Roster sends this notice at most once a day.";
        var link = urls.Absolute($"/w/{workspaceId}/settings/plan");
        var html = $"<p>{HtmlEncoder.Default.Encode(text)}</p><p><a href=\"{HtmlEncoder.Default.Encode(link)}\">See the plans</a></p>";
        foreach (var email in admins)
        {
            outbox.Add(new EmailMessage(email!, subject, $"{text}\n\nSee the plans: {link}\n", html), Kind);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return admins.Count;
    }
}
