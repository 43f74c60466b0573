using System.Text.Encodings.Web;
using Microsoft.EntityFrameworkCore;
using Roster.Features.Accounts;
using Roster.Features.Audit;
using Roster.Features.CompanyDomains;
using Roster.Features.Members;
using Roster.Features.Permissions;
using Roster.Features.Plans;
using Roster.Infrastructure.Authorization;
using Roster.Infrastructure.Data;
using Roster.Infrastructure.Email;
using Roster.Infrastructure.Errors;
using Roster.Infrastructure.Web;

namespace Roster.Features.JoinRequests;

/// <summary>
/// Requests to join a workspace through its company domain (SPEC section 5), and joining at once under the automatic
/// policy. Every way in goes through <see cref="MemberService.AddAsync"/> in this service's transaction (which also tells
/// the Admins who joined); every email (to the requester, to the Admins) goes through the durable outbox in that same
/// transaction.
/// </summary>
public sealed class JoinRequestService(
    RosterDbContext db,
    DiscoveryService discovery,
    CompanyDomainService companyDomains,
    MemberService members,
    PermissionService permissions,
    PlanService planService,
    AdminJoinNotices adminNotices,
    AuditLog audit,
    EmailOutbox outbox,
    PublicUrls urls,
    TimeProvider time)
{
    /// <summary>New requests one account may make in an hour, over all workspaces (each tells a workspace's Admins by email).</summary>
    public const int MaxPerAccountPerHour = 10;

    /// <summary>How long after a decline the same person may not ask the same workspace again (each request emails its Admins).</summary>
    public static readonly TimeSpan DeclinedCooldown = TimeSpan.FromDays(1);

    /// <summary>
    /// Asks to join (the requester is the actor), or joins at once when the workspace's policy is automatic (as its
    /// auto-join permission, source <c>company_domain</c>, within the plan's member limit). Only a workspace that is
    /// discoverable for the caller (<see cref="DiscoveryService"/>) can be asked: any other answers 404
    /// <c>workspace.not_found</c>, the same as an unknown one. A second request while one is pending answers that one
    /// (<see cref="JoinRequestOutcome.Created"/> false). Errors: 404 <c>workspace.not_found</c>, 409
    /// <c>plan.member_limit_reached</c> (automatic), 409 <c>join_request.declined_recently</c> (an Admin declined the
    /// person's request less than <see cref="DeclinedCooldown"/> ago), <see cref="JoinRequestErrors.RateLimited"/>.
    /// </summary>
    public async Task<Result<JoinRequestOutcome>> RequestAsync(Actor actor, Guid workspaceId, CancellationToken cancellationToken)
    {
        var userId = actor.RequiredUserId;
        var found = await discovery.GetAsync(userId, workspaceId, cancellationToken);
        if (found is null)
        {
            return MemberErrors.WorkspaceGone;
        }

        var person = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => new { u.Name, u.Email }).SingleAsync(cancellationToken);
        var name = User.DisplayNameOf(person.Name, person.Email);
        var now = time.GetUtcNowForStorage();
        if (found.Policy == JoinPolicy.Automatic)
        {
            return await JoinAutomaticallyAsync(actor, found, name, person.Email ?? "", now, cancellationToken);
        }

        if (await PendingAsync(workspaceId, userId, cancellationToken) is { } pending)
        {
            return new JoinRequestOutcome(ToResponse(pending, found.Name, name, person.Email ?? "", null), Created: false);
        }

        var declinedSince = now - DeclinedCooldown;
        if (await db.JoinRequests.AnyAsync(
            r => r.WorkspaceId == workspaceId && r.UserId == userId && r.Status == JoinRequestStatus.Declined && r.DecidedAt > declinedSince, cancellationToken))
        {
            return JoinRequestErrors.DeclinedRecently;
        }

        var since = now - TimeSpan.FromHours(1);
        if (await db.JoinRequests.CountAsync(r => r.UserId == userId && r.CreatedAt > since, cancellationToken) >= MaxPerAccountPerHour)
        {
            return JoinRequestErrors.RateLimited;
        }

        var request = new JoinRequest(workspaceId, userId, now);
        db.JoinRequests.Add(request);
        await adminNotices.AddRequestedAsync(workspaceId, found.Name, name, person.Email ?? "", cancellationToken);
        try
        {
            // One save: the request and the Admins' emails are written together or not at all.
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            if (await PendingAsync(workspaceId, userId, cancellationToken) is { } first)
            {
                // The same person asked twice at once: the unique index on pending requests kept the first.
                return new JoinRequestOutcome(ToResponse(first, found.Name, name, person.Email ?? "", null), Created: false);
            }

            throw;
        }

        return new JoinRequestOutcome(ToResponse(request, found.Name, name, person.Email ?? "", null), Created: true);
    }

    /// <summary>
    /// The workspace's pending requests, oldest first (Admins): one page (keyset on the request's time and id) and the
    /// total. Errors: 400 <c>validation_failed</c> on <c>limit</c> or <c>after</c>.
    /// </summary>
    public async Task<Result<Page<PendingJoinRequest>>> ListPendingAsync(Guid workspaceId, PageRequest page, CancellationToken cancellationToken)
    {
        if (KeysetCursor.Validate(page, out var afterAt, out var afterId) is { } invalid)
        {
            return invalid;
        }

        var pending = db.JoinRequests.AsNoTracking().Where(r => r.WorkspaceId == workspaceId && r.Status == JoinRequestStatus.Pending);
        var total = await pending.CountAsync(cancellationToken);
        var after = afterAt ?? DateTimeOffset.MinValue;
        var source = afterAt is null ? pending : pending.Where(r => r.CreatedAt > after || (r.CreatedAt == after && r.Id.CompareTo(afterId) > 0));
        var rows = await source
            .Join(db.Users, r => r.UserId, u => u.Id, (r, u) => new { r.Id, r.UserId, u.Name, u.Email, r.CreatedAt })
            .OrderBy(r => r.CreatedAt).ThenBy(r => r.Id)
            .Take(page.Limit + 1)
            .ToListAsync(cancellationToken);
        var items = rows.Take(page.Limit).Select(r => new PendingJoinRequest(r.Id, r.UserId, User.DisplayNameOf(r.Name, r.Email), r.Email ?? "", r.CreatedAt)).ToList();
        var next = rows.Count > page.Limit ? KeysetCursor.Encode(items[^1].CreatedAt, items[^1].Id) : null;
        return new Page<PendingJoinRequest>(items, next, total);
    }

    /// <summary>
    /// Approves a pending request with a permission (by name or id): the person becomes a member (source
    /// <c>join_request</c>) and opens the workspace on their next visit; they are told by email; <c>join_request.approved</c>
    /// is recorded. One transaction: when the plan is full the request stays pending. Errors: 400 <c>validation_failed</c>
    /// (<c>permission</c>), 403 <c>plan.feature_locked</c> (a custom permission on a plan without it), 404
    /// <c>join_request.not_found</c>, 409 <c>plan.member_limit_reached</c>, 409 <c>member.already_member</c>.
    /// </summary>
    public async Task<Result<JoinRequestResponse>> ApproveAsync(
        Actor actor, Guid workspaceId, Guid requestId, string? permissionNameOrId, CancellationToken cancellationToken)
    {
        var permission = await permissions.ResolveAsync(workspaceId, permissionNameOrId, cancellationToken);
        if (permission is null)
        {
            return PermissionErrors.Unknown("permission");
        }

        if (permission.Kind == PermissionKind.Custom
            && await planService.RequireAsync(workspaceId, PlanFeature.CustomPermissions, cancellationToken) is { } locked)
        {
            return locked;
        }

        return await DecideAsync(actor, workspaceId, requestId, permission, cancellationToken);
    }

    /// <summary>
    /// Declines a pending request: the person is told by email, <c>join_request.declined</c> is recorded; they may ask
    /// again later. Errors: 404 <c>join_request.not_found</c>.
    /// </summary>
    public Task<Result<JoinRequestResponse>> DeclineAsync(Actor actor, Guid workspaceId, Guid requestId, CancellationToken cancellationToken) =>
        DecideAsync(actor, workspaceId, requestId, permission: null, cancellationToken);

    private async Task<Result<JoinRequestResponse>> DecideAsync(
        Actor actor, Guid workspaceId, Guid requestId, PermissionSnapshot? permission, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNowForStorage();
        var status = permission is null ? JoinRequestStatus.Declined : JoinRequestStatus.Approved;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        // The conditional update is the guard: of two Admins deciding at once, one changes the row, the other finds none.
        var decided = await db.JoinRequests
            .Where(r => r.Id == requestId && r.WorkspaceId == workspaceId && r.Status == JoinRequestStatus.Pending)
            .ExecuteUpdateAsync(
                setters => setters
                    .SetProperty(r => r.Status, status)
                    .SetProperty(r => r.DecidedAt, now)
                    .SetProperty(r => r.DecidedByUserId, actor.UserId)
                    .SetProperty(r => r.PermissionId, permission == null ? null : permission.Id),
                cancellationToken);
        if (decided == 0)
        {
            return JoinRequestErrors.NotFound;
        }

        var row = await db.JoinRequests.AsNoTracking().Where(r => r.Id == requestId)
            .Join(db.Users, r => r.UserId, u => u.Id, (r, u) => new { Request = r, u.Name, u.Email })
            .Join(db.Workspaces, x => x.Request.WorkspaceId, w => w.Id, (x, w) => new { x.Request, x.Name, x.Email, WorkspaceName = w.Name })
            .SingleAsync(cancellationToken);
        var name = User.DisplayNameOf(row.Name, row.Email);
        var email = row.Email ?? "";
        if (permission is not null)
        {
            var added = await members.AddAsync(actor, workspaceId, row.Request.UserId, permission.Id, MembershipSource.JoinRequest, invitationLinkId: null, now, cancellationToken);
            if (added.Error == MemberErrors.AlreadyMember)
            {
                // They joined another way meanwhile (a link, an invitation): the request is answered, closed as approved
                // with nothing changed about their membership, and nobody is emailed about it.
                audit.Add(actor, workspaceId, AuditActions.JoinRequestApproved, AuditTargets.ForMember(row.Request.UserId, email), details: "Already a member", at: now);
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                db.ChangeTracker.Clear();
                return ToResponse(row.Request, row.WorkspaceName, name, email, permission) with { Status = status.ToApiName() };
            }

            if (!added.IsSuccess)
            {
                // Rolled back with the transaction: the request stays pending.
                return added.Error!;
            }
        }

        audit.Add(
            actor, workspaceId, permission is null ? AuditActions.JoinRequestDeclined : AuditActions.JoinRequestApproved,
            AuditTargets.ForMember(row.Request.UserId, email), details: permission is null ? null : $"As {permission.Name}", at: now);
        if (email.Length > 0)
        {
            outbox.Add(DecisionEmail(email, workspaceId, row.WorkspaceName, permission), permission is null ? "join_request.declined" : "join_request.approved");
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
        return ToResponse(row.Request, row.WorkspaceName, name, email, permission) with { Status = status.ToApiName() };
    }

    private async Task<Result<JoinRequestOutcome>> JoinAutomaticallyAsync(
        Actor actor, DiscoverableWorkspace workspace, string name, string email, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var permission = await companyDomains.AutoJoinPermissionAsync(workspace.Id, workspace.AutoJoinPermissionId, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        // Locks the workspace's row (an update that changes nothing), then asks again: an Admin who turned the policy
        // off or changed the domain a moment ago is obeyed, not raced.
        await db.Workspaces.Where(w => w.Id == workspace.Id)
            .ExecuteUpdateAsync(setters => setters.SetProperty(w => w.JoinPolicy, w => w.JoinPolicy), cancellationToken);
        if (await discovery.GetAsync(actor.RequiredUserId, workspace.Id, cancellationToken) is not { Policy: JoinPolicy.Automatic })
        {
            return MemberErrors.WorkspaceGone;
        }

        var added = await members.AddAsync(actor, workspace.Id, actor.RequiredUserId, permission.Id, MembershipSource.CompanyDomain, invitationLinkId: null, now, cancellationToken);
        if (!added.IsSuccess)
        {
            return added.Error!;
        }

        audit.Add(actor, workspace.Id, AuditActions.MemberJoinedByDomain, AuditTargets.ForMember(actor.RequiredUserId, email), details: $"As {permission.Name}", at: now);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
        var response = new JoinRequestResponse(null, workspace.Id, workspace.Name, actor.RequiredUserId, name, email, "joined", now, permission.Name, permission.Id);
        return new JoinRequestOutcome(response, Created: true);
    }

    private Task<JoinRequest?> PendingAsync(Guid workspaceId, Guid userId, CancellationToken cancellationToken) =>
        db.JoinRequests.AsNoTracking()
            .Where(r => r.WorkspaceId == workspaceId && r.UserId == userId && r.Status == JoinRequestStatus.Pending)
            .FirstOrDefaultAsync(cancellationToken);

    private static JoinRequestResponse ToResponse(JoinRequest request, string workspaceName, string name, string email, PermissionSnapshot? permission) =>
        new(request.Id, request.WorkspaceId, workspaceName, request.UserId, name, email, request.Status.ToApiName(), request.CreatedAt, permission?.Name, permission?.Id);

    private EmailMessage DecisionEmail(string to, Guid workspaceId, string workspaceName, PermissionSnapshot? permission)
    {
        if (permission is null)
        {
            var declinedText = $"An Admin of {workspaceName} declined your request to join it on Roster. If you think this is a mistake, ask one of its Admins for an invitation.";
            return new EmailMessage(to, $"Your request to join {workspaceName} was declined", declinedText + "\n", $"<p>{HtmlEncoder.Default.Encode(declinedText)}</p>");
        }

        var link = urls.Absolute($"/w/{workspaceId}");
        var text = $"An Admin of {workspaceName} approved your request to join it on Roster. You are in, as {permission.Name}.";
        return new EmailMessage(
            to,
            $"You joined {workspaceName}",
            $"{text}\n\nOpen {workspaceName}: {link}\n",
            $"<p>{HtmlEncoder.Default.Encode(text)}</p><p><a href=\"{HtmlEncoder.Default.Encode(link)}\">Open {HtmlEncoder.Default.Encode(workspaceName)}</a></p>");
    }
}

/// <summary>The wire names of <see cref="JoinRequestStatus"/>.</summary>
public static class JoinRequestStatusNames
{
    public static string ToApiName(this JoinRequestStatus status) => status switch
    {
        JoinRequestStatus.Approved => "approved",
        JoinRequestStatus.Declined => "declined",
        _ => "pending",
    };
}
