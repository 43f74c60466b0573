using System.Text.Encodings.Web;
using Microsoft.EntityFrameworkCore;
using Roster.Features.Accounts;
using Roster.Features.Audit;
using Roster.Features.Members;
using Roster.Features.Permissions;
using Roster.Features.Plans;
using Roster.Infrastructure.Authorization;
using Roster.Infrastructure.Data;
using Roster.Infrastructure.Email;
using Roster.Infrastructure.Errors;
using Roster.Infrastructure.Text;
using Roster.Infrastructure.Web;

namespace Roster.Features.Workspaces;

/// <summary>Workspaces: creating one (with its creator as Admin), renaming, deleting, and the lists a person sees.</summary>
public sealed class WorkspaceService(
    RosterDbContext db, MemberService members, PlanCatalog plans, AuditLog audit, EmailOutbox outbox, PublicUrls urls, TimeProvider time,
    CompanyDomains.PublicMailDomains publicDomains)
{
    /// <summary>The outbox's <see cref="OutboxMessage.Kind"/> of the notice a deleted workspace's members get.</summary>
    public const string DeletedNoticeKind = "workspace.deleted";

    /// <summary>Creates a workspace with the actor as its Admin. Errors: <c>validation_failed</c> on <c>name</c>.</summary>
    public async Task<Result<WorkspaceSummary>> CreateAsync(Actor actor, CreateWorkspaceRequest request, CancellationToken cancellationToken)
    {
        if (ValidateName(request.Name, out var name) is { } invalid)
        {
            return invalid;
        }

        return await CreateWithAdminAsync(actor, name, nameChosen: true, cancellationToken);
    }

    /// <summary>
    /// Renames a workspace (Admins; the caller's policy checks that). One transaction: the new name and a
    /// <c>workspace.renamed</c> audit entry ("old → new"). Renaming to the same name changes and records nothing, but
    /// counts as choosing it (<see cref="Workspace.NameChosenAt"/>: the "Get started" card's first step is done).
    /// Errors: <c>validation_failed</c> on <c>name</c> (1 to 80 characters after trimming), 404 <c>workspace.not_found</c>.
    /// </summary>
    public async Task<Result<WorkspaceSummary>> RenameAsync(Actor actor, Guid workspaceId, string? newName, CancellationToken cancellationToken)
    {
        if (ValidateName(newName, out var name) is { } invalid)
        {
            return invalid;
        }

        // Its own transaction, or the caller's (a PATCH that also changes the join settings is one change).
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;

        // Locks the row first (an update that changes no name), so of two renames at once each records the name it
        // really replaced. The same statement records that a person chose the name, the first time.
        var now = time.GetUtcNowForStorage();
        await db.Workspaces.Where(w => w.Id == workspaceId)
            .ExecuteUpdateAsync(setters => setters.SetProperty(w => w.NameChosenAt, w => w.NameChosenAt ?? now), cancellationToken);
        var oldName = await db.Workspaces.Where(w => w.Id == workspaceId).Select(w => w.Name).SingleOrDefaultAsync(cancellationToken);
        if (oldName is null)
        {
            return MemberErrors.WorkspaceGone;
        }

        if (oldName != name)
        {
            await db.Workspaces.Where(w => w.Id == workspaceId)
                .ExecuteUpdateAsync(setters => setters.SetProperty(w => w.Name, name), cancellationToken);
            audit.Add(actor, workspaceId, AuditActions.WorkspaceRenamed, new AuditTarget(AuditTargets.Workspace, workspaceId.ToString(), name), details: $"{oldName} → {name}", at: now);
            await db.SaveChangesAsync(cancellationToken);
        }

        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }
        db.ChangeTracker.Clear();
        var renamed = actor.UserId is { } userId ? await GetForMemberAsync(workspaceId, userId, cancellationToken) : null;
        return renamed is null ? MemberErrors.WorkspaceGone : renamed;
    }

    /// <summary>
    /// Deletes a workspace and everything in it: memberships, permissions, invitation links and API keys (Admins; the
    /// caller's policy checks that, the dashboard also asks for the name). Its members lose access on their next
    /// request; a member with no other workspace gets a new one of their own on their next visit. Every member but the
    /// one deleting it is told by email (<see cref="DeletedNoticeKind"/>, through the durable outbox, so the messages
    /// exist exactly when the deletion commits; no token, only the dashboard's address). The audit log keeps the
    /// workspace's entries, with a last <c>workspace.deleted</c>, for the operator. One transaction.
    /// Errors: 404 <c>workspace.not_found</c>.
    /// </summary>
    public async Task<Result<string>> DeleteAsync(Actor actor, Guid workspaceId, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        // Locks the workspace's row, then its links (no-op updates), in the order an accept takes them (the seat on the
        // workspace, then the link's use), so the two never deadlock; a join that commits meanwhile cannot leave a
        // membership behind, and one that comes after finds the workspace gone.
        var locked = await db.Workspaces.Where(w => w.Id == workspaceId)
            .ExecuteUpdateAsync(setters => setters.SetProperty(w => w.MemberCount, w => w.MemberCount), cancellationToken);
        await db.InvitationLinks.Where(l => l.WorkspaceId == workspaceId)
            .ExecuteUpdateAsync(setters => setters.SetProperty(l => l.Uses, l => l.Uses), cancellationToken);
        var name = await db.Workspaces.Where(w => w.Id == workspaceId).Select(w => w.Name).SingleOrDefaultAsync(cancellationToken);
        if (name is null || locked == 0)
        {
            return MemberErrors.WorkspaceGone;
        }

        // Read before the memberships go: who is told, and who did it.
        await AddDeletedNoticesAsync(actor, workspaceId, name, cancellationToken);

        // Children first: memberships hold permissions (restricted) and links; then what the workspace owns.
        // The email invitations and join requests go with it, so no emailed link or pending request outlives the workspace.
        await db.Memberships.Where(m => m.WorkspaceId == workspaceId).ExecuteDeleteAsync(cancellationToken);
        await db.JoinRequests.Where(r => r.WorkspaceId == workspaceId).ExecuteDeleteAsync(cancellationToken);
        await db.InvitationLinks.Where(l => l.WorkspaceId == workspaceId).ExecuteDeleteAsync(cancellationToken);
        await db.EmailInvitations.Where(i => i.WorkspaceId == workspaceId).ExecuteDeleteAsync(cancellationToken);
        await db.ApiKeys.Where(k => k.WorkspaceId == workspaceId).ExecuteDeleteAsync(cancellationToken);
        await db.Permissions.Where(p => p.WorkspaceId == workspaceId).ExecuteDeleteAsync(cancellationToken);
        await db.Workspaces.Where(w => w.Id == workspaceId).ExecuteDeleteAsync(cancellationToken);
        audit.Add(actor, workspaceId, AuditActions.WorkspaceDeleted, new AuditTarget(AuditTargets.Workspace, workspaceId.ToString(), name));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
        return name;
    }

    /// <summary>
    /// Adds to the outbox (not saved: the deletion's transaction saves it) one notice for each member of the workspace
    /// but the actor: the workspace's name, who deleted it, the permission the member had, and that their account and
    /// other workspaces are untouched. No token and no link into the workspace (it is gone), only the dashboard's address.
    /// </summary>
    private async Task AddDeletedNoticesAsync(Actor actor, Guid workspaceId, string workspaceName, CancellationToken cancellationToken)
    {
        var actorId = actor.UserId ?? Guid.Empty;
        var recipients = await db.Memberships.AsNoTracking()
            .Where(m => m.WorkspaceId == workspaceId && m.UserId != actorId)
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new { u.Email, m.PermissionId })
            .Join(db.Permissions, x => x.PermissionId, p => p.Id, (x, p) => new { x.Email, Permission = p.Name })
            .Where(x => x.Email != null)
            .ToListAsync(cancellationToken);
        if (recipients.Count == 0)
        {
            return;
        }

        var deleter = actor.UserId is { } userId
            ? await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => new { u.Name, u.Email }).SingleOrDefaultAsync(cancellationToken)
            : null;
        var who = deleter is null ? actor.IsOperator ? "The operator of this Roster server" : "An Admin"
            : string.IsNullOrWhiteSpace(deleter.Name) ? deleter.Email ?? "An Admin"
            : $"{deleter.Name} ({deleter.Email})";
        var dashboard = urls.Absolute("/");
        var subject = $"{workspaceName} was deleted";
        foreach (var recipient in recipients)
        {
            var text = $"{who} deleted the workspace {workspaceName} on Roster. You were in it as {recipient.Permission}; "
                + "you no longer have access to it, and its invitation links no longer work. Your account and your other "
                + "workspaces are not affected.";
            var html = $"<p>{HtmlEncoder.Default.Encode(text)}</p><p><a href=\"{HtmlEncoder.Default.Encode(dashboard)}\">Open Roster</a></p>";
            outbox.Add(new EmailMessage(recipient.Email!, subject, $"{text}\n\nOpen Roster: {dashboard}\n", html), DeletedNoticeKind);
        }
    }

    /// <summary>
    /// The seed's first sign-in: someone who belongs to no workspace gets one of their own, as its Admin.
    /// Returns the workspace to open (their last used one when they already have some).
    /// </summary>
    public async Task<Guid> EnsureWorkspaceAsync(User user, CancellationToken cancellationToken)
    {
        var existing = await DefaultWorkspaceIdAsync(user.Id, cancellationToken);
        if (existing is { } id)
        {
            return id;
        }

        var created = await CreateWithAdminAsync(Actor.ForUser(user.Id), Workspace.DefaultNameFor(user.DisplayName), nameChosen: false, cancellationToken, onlyIfNone: true);
        return created.Value.Id;
    }

    /// <summary>
    /// The dashboard's front door for someone in no workspace (they left theirs): a workspace with the name they gave,
    /// as its Admin. Someone who belongs to one already (a second click, another tab) gets it, and nothing is created.
    /// Errors: <c>validation_failed</c> on <c>name</c>.
    /// </summary>
    public async Task<Result<Guid>> EnsureWorkspaceAsync(User user, string? name, CancellationToken cancellationToken)
    {
        if (await DefaultWorkspaceIdAsync(user.Id, cancellationToken) is { } existing)
        {
            return existing;
        }

        if (ValidateName(name, out var validName) is { } invalid)
        {
            return invalid;
        }

        var created = await CreateWithAdminAsync(Actor.ForUser(user.Id), validName, nameChosen: true, cancellationToken, onlyIfNone: true);
        return created.IsSuccess ? created.Value.Id : created.Error!;
    }

    /// <summary>The last used workspace if the user is still a member of it, else their oldest membership.</summary>
    public async Task<Guid?> DefaultWorkspaceIdAsync(Guid userId, CancellationToken cancellationToken)
    {
        var last = await db.Users.Where(u => u.Id == userId).Select(u => u.LastWorkspaceId).SingleOrDefaultAsync(cancellationToken);
        var memberships = db.Memberships.Where(m => m.UserId == userId);
        if (last is { } lastId && await memberships.AnyAsync(m => m.WorkspaceId == lastId, cancellationToken))
        {
            return lastId;
        }

        return await memberships.OrderBy(m => m.JoinedAt).Select(m => (Guid?)m.WorkspaceId).FirstOrDefaultAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<WorkspaceSummary>> ListForUserAsync(Guid userId, CancellationToken cancellationToken) =>
        await WorkspacesOf(userId, workspaceId: null).ToListAsync(cancellationToken);

    public async Task<WorkspaceSummary?> GetForMemberAsync(Guid workspaceId, Guid userId, CancellationToken cancellationToken) =>
        await WorkspacesOf(userId, workspaceId).SingleOrDefaultAsync(cancellationToken);

    /// <summary>Remembers the workspace the user opened, so the dashboard opens it next time.</summary>
    public Task RememberLastUsedAsync(Guid userId, Guid workspaceId, CancellationToken cancellationToken) =>
        db.Users.Where(u => u.Id == userId && u.LastWorkspaceId != workspaceId)
            .ExecuteUpdateAsync(setters => setters.SetProperty(u => u.LastWorkspaceId, workspaceId), cancellationToken);

    /// <summary>The user's workspaces (or one of them) as they see them: with their permission, the member count and the plan, by name.</summary>
    private IQueryable<WorkspaceSummary> WorkspacesOf(Guid userId, Guid? workspaceId) =>
        db.Memberships
            .Where(m => m.UserId == userId && (workspaceId == null || m.WorkspaceId == workspaceId))
            .Join(db.Workspaces, m => m.WorkspaceId, w => w.Id, (m, w) => new { Membership = m, Workspace = w })
            .Join(db.Permissions, x => x.Membership.PermissionId, p => p.Id, (x, p) => new { x.Workspace, Permission = p })
            .OrderBy(x => x.Workspace.Name)
            .Select(x => new WorkspaceSummary(
                x.Workspace.Id,
                x.Workspace.Name,
                new PermissionSnapshot(x.Permission.Id, x.Permission.Name, x.Permission.Kind, x.Permission.Grants),
                x.Workspace.MemberCount,
                x.Workspace.CreatedAt,
                plans.Of(x.Workspace.Plan),
                x.Workspace.CompanyDomain,
                x.Workspace.JoinPolicy,
                x.Workspace.AutoJoinPermissionId));

    internal static Error? ValidateName(string? input, out string name)
    {
        name = (input ?? "").Trim();
        return name.Length == 0 || StorableText.Length(name) > Workspace.NameMaxLength
            ? Error.Validation("name", $"Give the workspace a name of 1 to {Workspace.NameMaxLength} characters.")
            : name.Any(char.IsControl)
            ? Error.Validation("name", "A workspace's name is one line of text, without control characters.")
            : StorableText.Problem(name) is { } problem
            ? Error.Validation("name", problem)
            : null;
    }

    /// <summary>One transaction: the workspace, its built-in permissions, its creator as Admin, and its <c>workspace.created</c> entry.</summary>
    /// <param name="nameChosen">Whether a person gave the name (false for the one made up at first sign-in).</param>
    /// <param name="onlyIfNone">
    /// A first workspace ("create it if it is missing"): two first sign-ins at once (two tabs, a verification link
    /// opened twice) must make one. The person's row is locked first (an update that changes nothing: a row lock on
    /// PostgreSQL, the write lock on SQLite), then their memberships are read again under it; one found is answered
    /// instead, and nothing is created.
    /// </param>
    private async Task<Result<WorkspaceSummary>> CreateWithAdminAsync(Actor actor, string name, bool nameChosen, CancellationToken cancellationToken, bool onlyIfNone = false)
    {
        var userId = actor.RequiredUserId;
        var now = time.GetUtcNowForStorage();
        var workspace = new Workspace(name, userId, now, plans.Default.Name);
        if (nameChosen)
        {
            workspace.MarkNameChosen(now);
        }

        var builtIns = Permission.BuiltInsFor(workspace.Id, now);
        var admin = builtIns.Single(p => p.Kind == PermissionKind.Admin);

        // SPEC section 5: the company domain starts as the creator's verified email's, unless a public mail provider's.
        workspace.SetInitialCompanyDomain(await CompanyDomains.CompanyDomainService.InitialForCreatorAsync(db, publicDomains, userId, cancellationToken));
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (onlyIfNone)
        {
            await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(setters => setters.SetProperty(u => u.LastWorkspaceId, u => u.LastWorkspaceId), cancellationToken);
            if (await DefaultWorkspaceIdAsync(userId, cancellationToken) is { } existing
                && await GetForMemberAsync(existing, userId, cancellationToken) is { } summary)
            {
                return summary;
            }
        }

        db.Workspaces.Add(workspace);
        db.Permissions.AddRange(builtIns);
        audit.Add(actor, workspace.Id, AuditActions.WorkspaceCreated, new AuditTarget(AuditTargets.Workspace, workspace.Id.ToString(), workspace.Name), at: now);
        await db.SaveChangesAsync(cancellationToken);
        var added = await members.AddAsync(actor, workspace.Id, userId, admin.Id, MembershipSource.CreatedWorkspace, invitationLinkId: null, now, cancellationToken);
        if (!added.IsSuccess)
        {
            return added.Error!;
        }

        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
        return new WorkspaceSummary(
            workspace.Id, workspace.Name, admin.ToSnapshot(), 1, workspace.CreatedAt, plans.Of(workspace.Plan), workspace.CompanyDomain, workspace.JoinPolicy);
    }
}
