using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Roster.Features.Accounts;
using Roster.Features.Audit;
using Roster.Features.Members;
using Roster.Features.Permissions;
using Roster.Features.Plans;
using Roster.Infrastructure.Authorization;
using Roster.Infrastructure.Data;
using Roster.Infrastructure.Errors;
using Roster.Infrastructure.Security;

namespace Roster.Features.Invitations;

/// <summary>
/// A link found by its token, with what its landing page shows: the workspace's name, the permission it grants
/// (null once deleted), whether its creator still administers the workspace, and the workspace's plan with its member
/// count (read in the same query) for the plan-full page.
/// </summary>
public sealed record FoundInvitation(InvitationLink Link, string WorkspaceName, PermissionSnapshot? Permission, bool CreatorAdministers)
{
    /// <summary>The workspace's plan and member count when the link was read.</summary>
    public required WorkspacePlan WorkspacePlan { get; init; }
}

/// <summary>
/// The one answer to "can this person accept this link now", which the landing page, the API preview, the API
/// accept and every sign-in completion render. <see cref="Invitation"/> is null for an unknown link;
/// <see cref="Problem"/> is null when the person may join; <see cref="ExistingPermission"/> is their permission
/// when they already belong to the workspace.
/// </summary>
public sealed record InvitationVerdict(FoundInvitation? Invitation, Error? Problem, PermissionSnapshot? ExistingPermission)
{
    public bool CanJoin => Problem is null && Invitation is not null;
}

public sealed record CreatedInvitationLink(InvitationLink Link, PermissionSnapshot Permission, string Token);

public sealed partial class InvitationService(
    RosterDbContext db,
    MemberService members,
    PermissionService permissions,
    PlanCatalog plans,
    PlanService planService,
    MemberLimitNotices memberLimitNotices,
    AuditLog audit,
    TimeProvider time,
    IOptions<InvitationOptions> options)
{
    public const int MaxUsesLimit = 10_000;
    public const int MaxAllowedDomains = 20;

    /// <summary>
    /// Creates a link, with its <c>invitation_link.created</c> entry in the same save. Errors: <c>validation_failed</c>
    /// on <c>permission</c> (not one of the workspace's), <c>expiresInDays</c>, <c>maxUses</c>, <c>allowedDomains</c>;
    /// 403 <c>plan.feature_locked</c> for a custom permission on a plan without custom permissions.
    /// </summary>
    public async Task<Result<CreatedInvitationLink>> CreateLinkAsync(
        Actor actor, Guid workspaceId, CreateInvitationLinkRequest request, CancellationToken cancellationToken)
    {
        var fields = new Dictionary<string, string[]>();
        var settings = options.Value;
        var expiresInDays = request.ExpiresInDays ?? settings.DefaultExpiryDays;
        if (expiresInDays < 1 || expiresInDays > settings.MaxExpiryDays)
        {
            fields["expiresInDays"] = [$"Must be between 1 and {settings.MaxExpiryDays} days."];
        }

        if (request.MaxUses is < 1 or > MaxUsesLimit)
        {
            fields["maxUses"] = [$"Must be between 1 and {MaxUsesLimit}, or left out for unlimited uses."];
        }

        var domains = NormalizeDomains(request.AllowedDomains, out var domainError);
        if (domainError is not null)
        {
            fields["allowedDomains"] = [domainError];
        }

        var permission = await permissions.ResolveAsync(workspaceId, request.Permission, cancellationToken);
        if (permission is null)
        {
            fields["permission"] = PermissionErrors.Unknown("permission").Fields!["permission"];
        }

        if (fields.Count > 0)
        {
            return Error.Validation(fields);
        }

        // A link granting a custom permission uses the feature: not on a plan without it.
        if (permission!.Kind == PermissionKind.Custom
            && await planService.RequireAsync(workspaceId, PlanFeature.CustomPermissions, cancellationToken) is { } locked)
        {
            return locked;
        }

        // A link that hands over administration works once unless the Admin asks otherwise.
        var maxUses = request.MaxUses ?? (PermissionEvaluator.IsSingleUseByDefault(permission!) ? 1 : null);
        var now = time.GetUtcNowForStorage();
        var token = SecretToken.Create();
        var link = new InvitationLink(
            workspaceId, SecretToken.Hash(token), permission!.Id, actor.RequiredUserId, now, now.AddDays(expiresInDays), maxUses, domains);
        db.InvitationLinks.Add(link);
        audit.Add(actor, workspaceId, AuditActions.InvitationLinkCreated, AuditTargets.ForLink(link.Id, link.Fingerprint), details: DescribeLink(link, permission), at: now);
        await db.SaveChangesAsync(cancellationToken);
        return new CreatedInvitationLink(link, permission, token);
    }

    public async Task<IReadOnlyList<InvitationLinkResponse>> ListLinksAsync(Guid workspaceId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var rows = await db.InvitationLinks.AsNoTracking()
            .Where(l => l.WorkspaceId == workspaceId)
            .OrderByDescending(l => l.CreatedAt)
            .Select(l => new
            {
                Link = l,
                Creator = db.Users.Where(u => u.Id == l.CreatedByUserId).Select(u => new { u.Name, u.Email }).First(),
                Revoker = db.Users.Where(u => u.Id == l.RevokedByUserId).Select(u => new { u.Name, u.Email }).FirstOrDefault(),
                PermissionName = db.Permissions.Where(p => p.Id == l.PermissionId).Select(p => p.Name).FirstOrDefault(),
                CreatorAdministers = db.Memberships
                    .Where(m => m.WorkspaceId == l.WorkspaceId && m.UserId == l.CreatedByUserId)
                    .Join(db.Permissions, m => m.PermissionId, p => p.Id, (m, p) => p)
                    .Any(PermissionQueries.Administers),
            })
            .ToListAsync(cancellationToken);
        return rows.Select(row => new InvitationLinkResponse(
                row.Link.Id,
                row.Link.Fingerprint,
                row.PermissionName,
                row.Link.PermissionId,
                row.Link.CreatedByUserId,
                User.DisplayNameOf(row.Creator.Name, row.Creator.Email),
                row.Link.CreatedAt,
                row.Link.ExpiresAt,
                row.Link.MaxUses,
                row.Link.Uses,
                row.Link.AllowedDomainList,
                StatusOf(row.Link, row.PermissionName is not null, row.CreatorAdministers, now).ToApiName(),
                row.Link.RevokedAt,
                row.Link.RevokedByUserId,
                row.Revoker is null ? null : User.DisplayNameOf(row.Revoker.Name, row.Revoker.Email)))
            .ToList();
    }

    /// <summary>Revokes a link (its <c>invitation_link.revoked</c> entry in the same save). Errors: 404 <c>invitation.link_not_found</c>.</summary>
    public async Task<Result<InvitationLink>> RevokeLinkAsync(Actor actor, Guid workspaceId, Guid linkId, CancellationToken cancellationToken)
    {
        // A conditional update: of two revocations at once, one changes the row and writes the entry, the other neither.
        var now = time.GetUtcNowForStorage();
        var byUserId = actor.RequiredUserId;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var revoked = await db.InvitationLinks.Where(l => l.Id == linkId && l.WorkspaceId == workspaceId && l.RevokedAt == null)
            .ExecuteUpdateAsync(
                setters => setters.SetProperty(l => l.RevokedAt, (DateTimeOffset?)now).SetProperty(l => l.RevokedByUserId, (Guid?)byUserId),
                cancellationToken);
        var link = await db.InvitationLinks.AsNoTracking().SingleOrDefaultAsync(l => l.Id == linkId && l.WorkspaceId == workspaceId, cancellationToken);
        if (link is null)
        {
            return InvitationErrors.LinkNotFound;
        }

        if (revoked == 1)
        {
            audit.Add(actor, workspaceId, AuditActions.InvitationLinkRevoked, AuditTargets.ForLink(link.Id, link.Fingerprint), at: now);
            await db.SaveChangesAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return link;
    }

    /// <summary>A link by its token's hash, with its workspace's name, plan and member count (compiled: the accept hot path).</summary>
    private static readonly CompiledQuery<Func<RosterDbContext, string, CancellationToken, Task<LinkRow?>>> LinkByHash = new(() =>
        EF.CompileAsyncQuery((RosterDbContext db, string hash, CancellationToken cancellationToken) =>
            db.InvitationLinks.AsNoTracking()
                .Where(l => l.TokenHash == hash)
                .Join(db.Workspaces, l => l.WorkspaceId, w => w.Id, (l, w) => new LinkRow(l, w.Name, w.Plan, w.MemberCount))
                .SingleOrDefault()));

    private sealed record LinkRow(InvitationLink Link, string WorkspaceName, string Plan, int MemberCount);

    /// <summary>
    /// The verdict for a token and (when signed in) a person, checked in one order everywhere: unknown; expired,
    /// revoked, used up; its permission deleted; its creator no longer an Admin; already a member (signed in); the
    /// workspace full on its plan (409 <c>plan.member_limit_reached</c>, also for anonymous visitors, so nobody signs up
    /// for a workspace they cannot join); the email's domain (a verified address when the link is restricted).
    /// Reading never consumes the link.
    /// </summary>
    public async Task<InvitationVerdict> CheckAsync(string? token, Guid? userId, CancellationToken cancellationToken)
    {
        if (!SecretToken.HasValidShape(token))
        {
            return new InvitationVerdict(null, InvitationErrors.NotFound, null);
        }

        var hash = SecretToken.Hash(token!);
        var row = await LinkByHash.For(db)(db, hash, cancellationToken);
        if (row is null)
        {
            return new InvitationVerdict(null, InvitationErrors.NotFound, null);
        }

        var link = row.Link;

        // The permissions of the link, of its creator and of the person.
        var (granted, creatorAdministers, existing) = await InvitationPermissions.ReadAsync(
            db, link.WorkspaceId, link.CreatedByUserId, userId, link.PermissionId, cancellationToken);
        var workspacePlan = new WorkspacePlan(plans.Of(row.Plan), row.MemberCount);
        var found = new FoundInvitation(link, row.WorkspaceName, granted, creatorAdministers) { WorkspacePlan = workspacePlan };

        var status = link.StatusAt(time.GetUtcNow());
        if (status != InvitationLinkStatus.Active)
        {
            return new InvitationVerdict(found, InvitationErrors.ForStatus(status), existing);
        }

        if (granted is null)
        {
            return new InvitationVerdict(found, InvitationErrors.PermissionRemoved, existing);
        }

        if (!creatorAdministers)
        {
            return new InvitationVerdict(found, InvitationErrors.CreatorLostRights, existing);
        }

        if (existing is not null)
        {
            return new InvitationVerdict(found, InvitationErrors.AlreadyMember, existing);
        }

        if (!workspacePlan.HasSeat)
        {
            return new InvitationVerdict(found, PlanErrors.MemberLimitReached, null);
        }

        if (userId is null)
        {
            return new InvitationVerdict(found, null, null);
        }

        if (link.AllowedDomains.Length > 0)
        {
            var user = await db.Users.AsNoTracking().Where(u => u.Id == userId)
                .Select(u => new { u.Email, u.EmailConfirmed }).SingleOrDefaultAsync(cancellationToken);
            var problem = user is null ? InvitationErrors.EmailUnverified : CheckEmail(link, user.Email, user.EmailConfirmed);
            if (problem is not null)
            {
                return new InvitationVerdict(found, problem, null);
            }
        }

        return new InvitationVerdict(found, null, null);
    }

    /// <summary>
    /// Joins the person to the link's workspace when <see cref="CheckAsync"/> allows it. One transaction: the membership
    /// is written by <see cref="MemberService.AddAsync"/> with the <c>invitation.accepted</c> entry (its conditional
    /// update enforces the plan's member limit), then the use is counted by a conditional update (so concurrent accepts
    /// on any number of app instances never exceed the link's maximum uses). A refusal is recorded
    /// as <c>invitation.refused</c> with its code; one for the member limit rolls the use back (the link stays usable
    /// for later) and, after the transaction, tells the workspace's Admins by email (at most once a day).
    /// Errors: every code of the verdict, including 409 <c>plan.member_limit_reached</c>.
    /// </summary>
    public async Task<Result<AcceptInvitationResponse>> AcceptAsync(Actor actor, string? token, CancellationToken cancellationToken)
    {
        var userId = actor.RequiredUserId;
        var verdict = await CheckAsync(token, userId, cancellationToken);
        if (!verdict.CanJoin)
        {
            return await RefuseAsync(actor, verdict.Invitation?.Link, verdict.Problem!, cancellationToken);
        }

        var link = verdict.Invitation!.Link;
        var permission = verdict.Invitation.Permission!;
        var now = time.GetUtcNowForStorage();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        // The entry rides on the membership's own save (one more row in the same batch, no extra round trip). It
        // names the link the person joined through; the person is the actor (their name and email are read with the log).
        audit.Add(
            actor, link.WorkspaceId, AuditActions.InvitationAccepted, AuditTargets.ForLink(link.Id, link.Fingerprint),
            details: $"Joined as {permission.Name}", at: now);

        // The seat first: its conditional update locks the workspace's row, which every other writer of the workspace
        // (rename, permission change, member count) locks first too. Counting the link's use first held the link's row
        // while waiting for the workspace's behind those writers, and on PostgreSQL every other accept of the link queued
        // behind it (under 200 writers some waited past the 30-second command timeout). SQLite has one writer at a time.
        var added = await members.AddAsync(actor, link.WorkspaceId, userId, permission.Id, MembershipSource.InvitationLink, link.Id, now, cancellationToken);
        if (!added.IsSuccess)
        {
            // Its entry is rolled back with it.
            await transaction.RollbackAsync(cancellationToken);
            return await RefuseAsync(
                actor, link, added.Error == MemberErrors.AlreadyMember ? InvitationErrors.AlreadyMember : added.Error!, cancellationToken);
        }

        // Then the use, by a conditional update: concurrent accepts on any number of instances never exceed the maximum.
        var counted = await db.InvitationLinks
            .Where(l => l.Id == link.Id && l.RevokedAt == null && l.ExpiresAt > now && (l.MaxUses == null || l.Uses < l.MaxUses))
            .ExecuteUpdateAsync(setters => setters.SetProperty(l => l.Uses, l => l.Uses + 1), cancellationToken);
        if (counted == 0)
        {
            // Another accept took the last use (or the link was revoked) since the verdict: the seat, the membership and
            // the entry are rolled back; say which.
            await transaction.RollbackAsync(cancellationToken);
            db.ChangeTracker.Clear();
            var current = await db.InvitationLinks.AsNoTracking().SingleAsync(l => l.Id == link.Id, cancellationToken);
            return await RefuseAsync(actor, link, InvitationErrors.ForStatus(current.StatusAt(now)), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        Roster.Infrastructure.Telemetry.RosterMetrics.LinkAccepted();
        return new AcceptInvitationResponse(link.WorkspaceId, verdict.Invitation.WorkspaceName, permission.Name, permission.Id);
    }

    /// <summary>
    /// Records a refused accept (<c>invitation.refused</c>, with the error's code as the reason) on its own, after
    /// any rollback: the refusal changed nothing else. An unknown token names no workspace, so it has no log to go to.
    /// </summary>
    private async Task<Error> RefuseAsync(Actor actor, InvitationLink? link, Error problem, CancellationToken cancellationToken)
    {
        Roster.Infrastructure.Telemetry.RosterMetrics.LinkRefused(problem.Code);
        if (link is not null)
        {
            // Whatever the failed attempt added to the unit of work (its entry, a membership) was rolled back.
            foreach (var added in db.ChangeTracker.Entries().Where(e => e.State == EntityState.Added).ToList())
            {
                added.State = EntityState.Detached;
            }

            await audit.WriteAsync(
                actor, link.WorkspaceId, AuditActions.InvitationRefused, AuditTargets.ForLink(link.Id, link.Fingerprint), cancellationToken,
                outcome: AuditOutcome.Refused, reason: problem.Code);
            if (problem == PlanErrors.MemberLimitReached)
            {
                // The workspace is full (at the verdict, or another accept took the last seat since): its Admins hear of it.
                await memberLimitNotices.NotifyAsync(link.WorkspaceId, actor.RequiredUserId, cancellationToken);
            }
        }

        return problem;
    }

    private static string DescribeLink(InvitationLink link, PermissionSnapshot permission)
    {
        var uses = link.MaxUses is { } maxUses ? string.Create(CultureInfo.InvariantCulture, $"at most {maxUses} uses") : "unlimited uses";
        var domains = link.AllowedDomains.Length > 0 ? $"; only {string.Join(", ", link.AllowedDomains)}" : "";
        return string.Create(CultureInfo.InvariantCulture, $"Grants {permission.Name}; expires {link.ExpiresAt:yyyy-MM-dd HH:mm} UTC; {uses}{domains}");
    }

    /// <summary>
    /// Whether an email address suits the link. A domain restriction trusts the email address, so it needs an
    /// address the person has proven they own.
    /// </summary>
    public static Error? CheckEmail(InvitationLink link, string? email, bool emailConfirmed) =>
        link.AllowedDomains.Length == 0 ? null
        : !link.AllowsEmail(email ?? "") ? InvitationErrors.DomainNotAllowed
        : !emailConfirmed ? InvitationErrors.EmailUnverified
        : null;

    private static InvitationLinkStatus StatusOf(InvitationLink link, bool permissionExists, bool creatorAdministers, DateTimeOffset now) =>
        link.StatusAt(now) is var status && status != InvitationLinkStatus.Active ? status
        : !permissionExists || !creatorAdministers ? InvitationLinkStatus.Inactive
        : InvitationLinkStatus.Active;

    private static List<string> NormalizeDomains(IReadOnlyList<string>? input, out string? error)
    {
        error = null;
        if (input is { Count: > MaxAllowedDomains * 2 })
        {
            // Counted before any work: a huge list is refused at once, not deduplicated first.
            error = $"At most {MaxAllowedDomains} domains.";
            return [];
        }

        var domains = new List<string>();
        foreach (var raw in input ?? [])
        {
            var domain = (raw ?? "").Trim().TrimStart('@').ToLower(CultureInfo.InvariantCulture);
            if (domain.Length == 0)
            {
                continue;
            }

            if (!DomainPattern().IsMatch(domain))
            {
                error = $"'{raw}' is not a domain name such as example.com.";
                return [];
            }

            if (!domains.Contains(domain))
            {
                domains.Add(domain);
            }
        }

        if (domains.Count > MaxAllowedDomains)
        {
            error = $"At most {MaxAllowedDomains} domains.";
            return [];
        }

        // Stored joined with commas in one column; twenty long domains would not fit (and PostgreSQL would refuse them).
        if (domains.Sum(domain => domain.Length + 1) - 1 > InvitationLink.AllowedDomainsMaxLength)
        {
            error = $"The domains together must fit in {InvitationLink.AllowedDomainsMaxLength} characters.";
            return [];
        }

        return domains;
    }

    [GeneratedRegex(@"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")]
    private static partial Regex DomainPattern();
}
