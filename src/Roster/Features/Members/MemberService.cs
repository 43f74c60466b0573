using Microsoft.EntityFrameworkCore;
using Roster.Features.Accounts;
using Roster.Features.Audit;
using Roster.Features.Permissions;
using Roster.Features.Plans;
using Roster.Features.Workspaces;
using Roster.Infrastructure.Authorization;
using Roster.Infrastructure.Data;
using Roster.Infrastructure.Errors;
using Roster.Infrastructure.Security;
using Roster.Infrastructure.Text;
using Roster.Infrastructure.Web;

namespace Roster.Features.Members;

/// <summary>
/// Memberships: the one writer of who is in a workspace with which permission. Every way in (creating a
/// workspace, accepting a link, and later email invitations, join requests, domain join, the command line) goes
/// through <see cref="AddAsync"/>; every way out or down goes through the last-Admin rule of
/// <see cref="LockAndCheckAdminsRemainAsync"/>.
/// </summary>
public sealed class MemberService(
    RosterDbContext db, PermissionService permissions, PlanCatalog plans, PlanService planService, AuditLog audit, JoinRequests.AdminJoinNotices joinNotices)
{
    public const int SearchMaxLength = 100;

    /// <summary>
    /// Adds a member, in the caller's transaction (it must have begun one: the membership, the member count and
    /// the use case's own writes commit together or not at all). The workspace's member count is kept by a
    /// conditional update, which also locks the workspace row, so concurrent joins on any number of instances
    /// are counted exactly, and the plan's member limit is part of that update's condition (<see cref="PlanCatalog.HasSeat"/>,
    /// evaluated by the database on the locked row): concurrent joins never exceed it.
    /// Errors: 404 <c>workspace.not_found</c> (deleted meanwhile), 409 <c>plan.member_limit_reached</c> (the workspace
    /// has as many members as its plan allows), 409 <c>member.already_member</c>. After an
    /// error the caller must roll back its transaction. <paramref name="joinedAt"/> is the use case's "now" (UTC),
    /// so a workspace's creator joins at the instant it was created.
    /// </summary>
    public async Task<Result<Membership>> AddAsync(
        Actor actor,
        Guid workspaceId,
        Guid userId,
        Guid permissionId,
        MembershipSource source,
        Guid? invitationLinkId,
        DateTimeOffset joinedAt,
        CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("MemberService.AddAsync runs in its caller's transaction.");
        }

        var counted = await db.Workspaces.Where(w => w.Id == workspaceId).Where(plans.HasSeat)
            .ExecuteUpdateAsync(setters => setters.SetProperty(w => w.MemberCount, w => w.MemberCount + 1), cancellationToken);
        if (counted == 0)
        {
            // Refused: either the workspace is gone or it is full. Only the refusal pays for this read.
            return await db.Workspaces.AnyAsync(w => w.Id == workspaceId, cancellationToken)
                ? PlanErrors.MemberLimitReached
                : MemberErrors.WorkspaceGone;
        }

        var membership = new Membership(workspaceId, userId, permissionId, source, joinedAt, invitationLinkId);
        db.Memberships.Add(membership);
        if (source != MembershipSource.CreatedWorkspace)
        {
            // The Admins are told who joined, by every door, in this transaction (through the outbox). This is on the
            // accept hot path: one query, and one outbox row per Admin who wants these emails.
            await joinNotices.AddJoinedAsync(workspaceId, userId, permissionId, source, exceptUserId: actor.UserId, cancellationToken);
        }

        try
        {
            // EF wraps this save in a savepoint (we are inside a transaction), so after a refusal the transaction
            // can still be read from, to tell the duplicate apart from any other failure.
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            if (await db.Memberships.AnyAsync(m => m.WorkspaceId == workspaceId && m.UserId == userId, cancellationToken))
            {
                // The same person joined twice at once: the membership key refused the second.
                return MemberErrors.AlreadyMember;
            }

            throw;
        }

        // The workspace they just joined opens next time (SPEC section 5: the last one used opens by default).
        await db.Users.Where(u => u.Id == userId)
            .ExecuteUpdateAsync(setters => setters.SetProperty(u => u.LastWorkspaceId, workspaceId), cancellationToken);
        return membership;
    }

    /// <summary>
    /// A page of the workspace's members in the order they joined, optionally those whose name or email contains
    /// <paramref name="search"/> (ignoring case). Keyset paging: the cost of a page does not grow with the workspace.
    /// Errors: <c>validation_failed</c> on <c>limit</c>, <c>after</c> or <c>q</c>.
    /// </summary>
    public async Task<Result<Page<MemberSummary>>> ListAsync(Guid workspaceId, string? search, PageRequest page, CancellationToken cancellationToken)
    {
        if (KeysetCursor.Validate(page, out var afterAt, out var afterId) is { } invalid)
        {
            return invalid;
        }

        var term = (search ?? "").Trim();
        if (StorableText.Length(term) > SearchMaxLength)
        {
            return Error.Validation("q", $"Search for at most {SearchMaxLength} characters.");
        }

        if (StorableText.Problem(term) is { } problem)
        {
            return Error.Validation("q", problem);
        }

        var members = db.Memberships.AsNoTracking().Where(m => m.WorkspaceId == workspaceId)
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new { Membership = m, User = u });
        if (term.Length > 0)
        {
            var upper = term.ToUpperInvariant();
#pragma warning disable CA1862 // Translated to SQL: upper() on both databases, where StringComparison has no translation.
            members = members.Where(x => x.User.NormalizedEmail!.Contains(upper) || x.User.Name.ToUpper().Contains(upper));
#pragma warning restore CA1862
        }

        var total = term.Length == 0
            ? await db.Workspaces.Where(w => w.Id == workspaceId).Select(w => w.MemberCount).SingleOrDefaultAsync(cancellationToken)
            : await members.CountAsync(cancellationToken);
        if (afterAt is { } at)
        {
            members = members.Where(x => x.Membership.JoinedAt > at || (x.Membership.JoinedAt == at && x.Membership.UserId.CompareTo(afterId) > 0));
        }

        var rows = await members
            .OrderBy(x => x.Membership.JoinedAt).ThenBy(x => x.Membership.UserId)
            .Take(page.Limit + 1)
            .Join(db.Permissions, x => x.Membership.PermissionId, p => p.Id, (x, p) => new
            {
                x.Membership.UserId,
                x.User.Name,
                x.User.Email,
                Permission = new PermissionSnapshot(p.Id, p.Name, p.Kind, p.Grants),
                x.Membership.JoinedAt,
                x.Membership.Source,
                x.Membership.InvitationLinkId,
                LinkHash = db.InvitationLinks.Where(l => l.Id == x.Membership.InvitationLinkId).Select(l => l.TokenHash).FirstOrDefault(),
            })
            .OrderBy(x => x.JoinedAt).ThenBy(x => x.UserId)
            .ToListAsync(cancellationToken);
        var items = rows.Take(page.Limit)
            .Select(r => new MemberSummary(
                r.UserId,
                User.DisplayNameOf(r.Name, r.Email),
                r.Email ?? "",
                r.Permission,
                r.JoinedAt,
                r.Source,
                r.InvitationLinkId,
                r.LinkHash is null ? null : SecretToken.Fingerprint(r.LinkHash)))
            .ToList();
        var next = rows.Count > page.Limit ? KeysetCursor.Encode(items[^1].JoinedAt, items[^1].UserId) : null;
        return new Page<MemberSummary>(items, next, total);
    }

    /// <summary>
    /// For each of the workspace's links, who joined through it and still belongs (SPEC section 4: links are
    /// listed "with who joined through each"): the first <paramref name="namesPerLink"/> by join order and the
    /// count, in one query, so a link that brought in thousands costs no more than one that brought in five.
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, JoinedThroughLink>> JoinedThroughLinksAsync(
        Guid workspaceId, int namesPerLink, CancellationToken cancellationToken)
    {
        var rows = await db.InvitationLinks.AsNoTracking()
            .Where(l => l.WorkspaceId == workspaceId)
            .Select(l => new
            {
                l.Id,
                Total = db.Memberships.Count(m => m.WorkspaceId == workspaceId && m.InvitationLinkId == l.Id),
                People = db.Memberships
                    .Where(m => m.WorkspaceId == workspaceId && m.InvitationLinkId == l.Id)
                    .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new { m.JoinedAt, m.UserId, u.Name, u.Email })
                    .OrderBy(x => x.JoinedAt).ThenBy(x => x.UserId)
                    .Take(namesPerLink)
                    .Select(x => new { x.Name, x.Email })
                    .ToList(),
            })
            .ToListAsync(cancellationToken);
        return rows.ToDictionary(
            row => row.Id,
            row => new JoinedThroughLink(row.People.Select(person => User.DisplayNameOf(person.Name, person.Email)).ToList(), row.Total));
    }

    /// <summary>One member, or 404 <c>member.not_found</c>.</summary>
    public async Task<Result<MemberSummary>> GetAsync(Guid workspaceId, Guid userId, CancellationToken cancellationToken)
    {
        var row = await db.Memberships.AsNoTracking()
            .Where(m => m.WorkspaceId == workspaceId && m.UserId == userId)
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new { Membership = m, User = u })
            .Join(db.Permissions, x => x.Membership.PermissionId, p => p.Id, (x, p) => new
            {
                x.User.Name,
                x.User.Email,
                Permission = new PermissionSnapshot(p.Id, p.Name, p.Kind, p.Grants),
                x.Membership.JoinedAt,
                x.Membership.Source,
                x.Membership.InvitationLinkId,
                LinkHash = db.InvitationLinks.Where(l => l.Id == x.Membership.InvitationLinkId).Select(l => l.TokenHash).FirstOrDefault(),
            })
            .SingleOrDefaultAsync(cancellationToken);
        return row is null
            ? MemberErrors.NotFound
            : new MemberSummary(
                userId,
                User.DisplayNameOf(row.Name, row.Email),
                row.Email ?? "",
                row.Permission,
                row.JoinedAt,
                row.Source,
                row.InvitationLinkId,
                row.LinkHash is null ? null : SecretToken.Fingerprint(row.LinkHash));
    }

    /// <summary>
    /// Gives a member another permission of the workspace (named by name or id), with its
    /// <c>member.permission_changed</c> entry (<c>Viewer → Admin</c>) in the same transaction. Errors: <c>validation_failed</c>
    /// (unknown permission), 403 <c>plan.feature_locked</c> (a custom permission on a plan without custom permissions),
    /// 404 <c>member.not_found</c>, 409 <c>member.last_admin</c> when it would leave the
    /// workspace without an Admin, also when two Admins demote each other at the same moment.
    /// </summary>
    public async Task<Result<MemberSummary>> ChangePermissionAsync(
        Actor actor, Guid workspaceId, Guid userId, string? permissionNameOrId, CancellationToken cancellationToken)
    {
        var permission = await permissions.ResolveAsync(workspaceId, permissionNameOrId, cancellationToken);
        if (permission is null)
        {
            return PermissionErrors.Unknown("permission");
        }

        // Giving someone a custom permission uses the feature: not on a plan without it (those who hold one keep it).
        if (permission.Kind == PermissionKind.Custom
            && await planService.RequireAsync(workspaceId, PlanFeature.CustomPermissions, cancellationToken) is { } locked)
        {
            return locked;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var target = await LockAndCheckAdminsRemainAsync(workspaceId, userId, keepsAdministration: PermissionEvaluator.CanAdminister(permission), cancellationToken);
        if (!target.IsSuccess)
        {
            return target.Error!;
        }

        await db.Memberships.Where(m => m.WorkspaceId == workspaceId && m.UserId == userId)
            .ExecuteUpdateAsync(setters => setters.SetProperty(m => m.PermissionId, permission.Id), cancellationToken);

        // Read inside the transaction: the entry names the member by the email they have now.
        var changed = await GetAsync(workspaceId, userId, cancellationToken);
        if (target.Value.Id != permission.Id && changed.IsSuccess)
        {
            audit.Add(
                actor, workspaceId, AuditActions.MemberPermissionChanged, AuditTargets.ForMember(userId, changed.Value.Email),
                details: $"{target.Value.Name} → {permission.Name}");
            await db.SaveChangesAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return changed;
    }

    /// <summary>
    /// Removes a member, or (when the actor is that member) lets them leave, with its <c>member.removed</c> or
    /// <c>member.left</c> entry in the same transaction. Access ends on their next request.
    /// Errors: 404 <c>member.not_found</c>, 409 <c>member.last_admin</c>.
    /// </summary>
    public async Task<Result<MemberSummary>> RemoveAsync(Actor actor, Guid workspaceId, Guid userId, CancellationToken cancellationToken)
    {
        var before = await GetAsync(workspaceId, userId, cancellationToken);
        if (!before.IsSuccess)
        {
            return before.Error!;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var target = await LockAndCheckAdminsRemainAsync(workspaceId, userId, keepsAdministration: false, cancellationToken);
        if (!target.IsSuccess)
        {
            return target.Error!;
        }

        var removed = await db.Memberships.Where(m => m.WorkspaceId == workspaceId && m.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        if (removed == 0)
        {
            return MemberErrors.NotFound;
        }

        await db.Workspaces.Where(w => w.Id == workspaceId)
            .ExecuteUpdateAsync(setters => setters.SetProperty(w => w.MemberCount, w => w.MemberCount - 1), cancellationToken);
        var left = actor.UserId == userId;
        audit.Add(
            actor, workspaceId, left ? AuditActions.MemberLeft : AuditActions.MemberRemoved, AuditTargets.ForMember(userId, before.Value.Email),
            details: $"Held {target.Value.Name}");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return before.Value;
    }

    /// <summary>
    /// The last-Admin rule (SPEC section 3), the one place it lives. Locks the workspace row first (a no-op update:
    /// PostgreSQL holds the row lock, SQLite the write lock, until commit), so two Admins demoting or removing each
    /// other at once are serialised and the second sees the first's change: a read-then-write without the lock
    /// would let both pass and leave no Admin. Then, if the member administers today and will not afterwards,
    /// another Admin must remain. Returns the member's current permission.
    /// </summary>
    private async Task<Result<PermissionSnapshot>> LockAndCheckAdminsRemainAsync(
        Guid workspaceId, Guid userId, bool keepsAdministration, CancellationToken cancellationToken)
    {
        var locked = await db.Workspaces.Where(w => w.Id == workspaceId)
            .ExecuteUpdateAsync(setters => setters.SetProperty(w => w.MemberCount, w => w.MemberCount), cancellationToken);
        if (locked == 0)
        {
            return MemberErrors.WorkspaceGone;
        }

        var current = await db.Memberships.AsNoTracking()
            .Where(m => m.WorkspaceId == workspaceId && m.UserId == userId)
            .Join(db.Permissions, m => m.PermissionId, p => p.Id, (m, p) => new PermissionSnapshot(p.Id, p.Name, p.Kind, p.Grants))
            .SingleOrDefaultAsync(cancellationToken);
        if (current is null)
        {
            return MemberErrors.NotFound;
        }

        if (PermissionEvaluator.CanAdminister(current) && !keepsAdministration)
        {
            var administrators = await db.Memberships
                .Where(m => m.WorkspaceId == workspaceId && m.UserId != userId)
                .Join(db.Permissions, m => m.PermissionId, p => p.Id, (m, p) => p)
                .Where(PermissionQueries.Administers)
                .AnyAsync(cancellationToken);
            if (!administrators)
            {
                return MemberErrors.LastAdmin;
            }
        }

        return current;
    }
}
