using Microsoft.EntityFrameworkCore;
using Roster.Features.Audit;
using Roster.Features.Members;
using Roster.Features.Permissions;
using Roster.Features.Plans;
using Roster.Infrastructure.Authorization;
using Roster.Infrastructure.Data;
using Roster.Infrastructure.Errors;

namespace Roster.Features.CompanyDomains;

/// <summary>
/// A workspace's company domain and join policy (SPEC section 5; Settings > Workspace and the company-domain fields of
/// <c>PATCH /api/v1/workspaces/{id}</c>).
/// </summary>
public sealed class CompanyDomainService(
    RosterDbContext db, PublicMailDomains publicDomains, PermissionService permissions, PlanCatalog plans, AuditLog audit, TimeProvider time)
{
    /// <summary>
    /// The domain a new workspace starts with: its creator's email domain when that address is verified and not a
    /// public mail provider's; otherwise none.
    /// </summary>
    public static async Task<string?> InitialForCreatorAsync(RosterDbContext db, PublicMailDomains publicDomains, Guid userId, CancellationToken cancellationToken)
    {
        var creator = await db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new { u.Email, u.EmailConfirmed }).SingleOrDefaultAsync(cancellationToken);
        var domain = creator is { EmailConfirmed: true } ? CompanyDomainNames.OfEmail(creator.Email) : null;
        return domain is null || publicDomains.Contains(domain) ? null : domain;
    }

    /// <summary>The workspace's settings, or null when it is gone. The auto-join permission is Member until one is chosen.</summary>
    public async Task<CompanyDomainSettings?> GetAsync(Guid workspaceId, CancellationToken cancellationToken)
    {
        var row = await db.Workspaces.AsNoTracking().Where(w => w.Id == workspaceId)
            .Select(w => new { w.CompanyDomain, w.JoinPolicy, w.AutoJoinPermissionId, w.Plan })
            .SingleOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            return null;
        }

        var permission = await AutoJoinPermissionAsync(workspaceId, row.AutoJoinPermissionId, cancellationToken);
        return new CompanyDomainSettings(row.CompanyDomain, row.JoinPolicy, permission.Id, permission.Name, plans.Of(row.Plan).Has(PlanFeature.AutomaticDomainJoin));
    }

    /// <summary>
    /// The permission people join as under the automatic policy: the chosen one, or the built-in Member when none was
    /// chosen or the chosen custom permission was deleted.
    /// </summary>
    public async Task<PermissionSnapshot> AutoJoinPermissionAsync(Guid workspaceId, Guid? chosen, CancellationToken cancellationToken)
    {
        var found = await db.Permissions.AsNoTracking()
            .Where(p => p.WorkspaceId == workspaceId && (p.Id == chosen || p.Kind == PermissionKind.Member))
            .Select(p => new PermissionSnapshot(p.Id, p.Name, p.Kind, p.Grants))
            .ToListAsync(cancellationToken);
        return found.FirstOrDefault(p => p.Id == chosen) ?? found.First(p => p.Kind == PermissionKind.Member);
    }

    /// <summary>
    /// Changes the company domain, the join policy and the auto-join permission (Admins; the caller's policy checks
    /// that), in one transaction with one audit entry (<c>workspace.join_settings_changed</c>, "old → new"). A domain is
    /// normalised (<see cref="CompanyDomainNames"/>); setting one needs the actor's own VERIFIED email on exactly that
    /// domain. Errors: 400 <c>workspace.domain_invalid</c>, 400 <c>workspace.domain_public</c>, 403
    /// <c>workspace.domain_not_verified</c>, 400 <c>validation_failed</c> (<c>joinPolicy</c>, <c>autoJoinPermission</c>),
    /// 400 <c>workspace.auto_join_admin</c>, 403 <c>plan.feature_locked</c> (<c>automatic</c>, or a custom permission,
    /// on a plan without it), 404 <c>workspace.not_found</c>.
    /// </summary>
    public async Task<Result<CompanyDomainSettings>> UpdateAsync(Actor actor, Guid workspaceId, CompanyDomainChange change, CancellationToken cancellationToken)
    {
        var checkedChange = await CheckAsync(actor, workspaceId, change, cancellationToken);
        if (!checkedChange.IsSuccess)
        {
            return checkedChange.Error!;
        }

        var (domain, policy, permission) = checkedChange.Value;

        // Its own transaction, or the caller's (a PATCH that also renames the workspace is one change).
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;

        // Locks the row first (an update that changes nothing), so of two changes at once each records what it replaced.
        var locked = await db.Workspaces.Where(w => w.Id == workspaceId)
            .ExecuteUpdateAsync(setters => setters.SetProperty(w => w.JoinPolicy, w => w.JoinPolicy), cancellationToken);
        var before = await GetAsync(workspaceId, cancellationToken);
        if (locked == 0 || before is null)
        {
            return MemberErrors.WorkspaceGone;
        }

        var newDomain = change.DomainGiven ? domain : before.Domain;
        var newPolicy = policy ?? before.Policy;
        var newPermissionId = permission?.Id ?? before.AutoJoinPermissionId;
        var newPermissionName = permission?.Name ?? before.AutoJoinPermission;
        var changes = new List<string>();
        if (newDomain != before.Domain)
        {
            changes.Add($"domain: {before.Domain ?? "none"} → {newDomain ?? "none"}");
        }

        if (newPolicy != before.Policy)
        {
            changes.Add($"policy: {before.Policy.ToApiName()} → {newPolicy.ToApiName()}");
        }

        if (newPermissionId != before.AutoJoinPermissionId)
        {
            changes.Add($"automatic join as: {before.AutoJoinPermission} → {newPermissionName}");
        }

        if (changes.Count > 0)
        {
            await db.Workspaces.Where(w => w.Id == workspaceId).ExecuteUpdateAsync(
                setters => setters
                    .SetProperty(w => w.CompanyDomain, newDomain)
                    .SetProperty(w => w.JoinPolicy, newPolicy)
                    .SetProperty(w => w.AutoJoinPermissionId, newPermissionId),
                cancellationToken);
            audit.Add(
                actor, workspaceId, AuditActions.WorkspaceJoinSettingsChanged,
                new AuditTarget(AuditTargets.Workspace, workspaceId.ToString(), newDomain ?? before.Domain),
                details: string.Join("; ", changes), at: time.GetUtcNowForStorage());
            await db.SaveChangesAsync(cancellationToken);
        }

        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        db.ChangeTracker.Clear();
        return await GetAsync(workspaceId, cancellationToken) is { } after ? after : MemberErrors.WorkspaceGone;
    }

    /// <summary>
    /// Every check that needs no lock: the domain's form and proof, the policy's name, the permission. What an Admin
    /// keeps as it is (the form posts every field; an API client may echo the workspace it read) needs no proof and no
    /// plan feature again: another Admin whose address is elsewhere can still turn the policy off, and a plan that lost
    /// a feature does not block every later save.
    /// </summary>
    private async Task<Result<(string? Domain, JoinPolicy? Policy, PermissionSnapshot? Permission)>> CheckAsync(
        Actor actor, Guid workspaceId, CompanyDomainChange change, CancellationToken cancellationToken)
    {
        var current = await db.Workspaces.AsNoTracking().Where(w => w.Id == workspaceId)
            .Select(w => new { w.CompanyDomain, w.JoinPolicy, w.AutoJoinPermissionId, w.Plan })
            .SingleOrDefaultAsync(cancellationToken);
        if (current is null)
        {
            return MemberErrors.WorkspaceGone;
        }

        string? domain = null;
        if (change.DomainGiven && !string.IsNullOrWhiteSpace(change.Domain))
        {
            domain = CompanyDomainNames.Normalize(change.Domain);
            if (domain is null)
            {
                return CompanyDomainErrors.Invalid;
            }

            // Kept as it is, it was proven when it was set; a new one is checked.
            if (domain != current.CompanyDomain)
            {
                if (publicDomains.Contains(domain))
                {
                    return CompanyDomainErrors.Public;
                }

                // The Admin proves the domain with their own verified address on exactly it (an API key has no address).
                var own = actor.UserId is { } userId
                    ? await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => new { u.Email, u.EmailConfirmed }).SingleOrDefaultAsync(cancellationToken)
                    : null;
                if (own is not { EmailConfirmed: true } || CompanyDomainNames.OfEmail(own.Email) != domain)
                {
                    return CompanyDomainErrors.NotVerified;
                }
            }
        }

        JoinPolicy? policy = null;
        if (change.JoinPolicy is not null)
        {
            policy = JoinPolicyNames.Parse(change.JoinPolicy);
            if (policy is null)
            {
                return CompanyDomainErrors.UnknownPolicy;
            }

            if (policy == JoinPolicy.Automatic && current.JoinPolicy != JoinPolicy.Automatic
                && plans.Lock(plans.Of(current.Plan), PlanFeature.AutomaticDomainJoin) is { } locked)
            {
                return locked;
            }
        }

        PermissionSnapshot? permission = null;
        if (change.AutoJoinPermission is not null)
        {
            permission = await permissions.ResolveAsync(workspaceId, change.AutoJoinPermission, cancellationToken);
            if (permission is null)
            {
                return PermissionErrors.Unknown(CompanyDomainErrors.PermissionField);
            }

            if (PermissionEvaluator.CanAdminister(permission))
            {
                return CompanyDomainErrors.AdminAutoJoin;
            }

            if (permission.Kind == PermissionKind.Custom && permission.Id != current.AutoJoinPermissionId
                && plans.Lock(plans.Of(current.Plan), PlanFeature.CustomPermissions) is { } locked)
            {
                return locked;
            }
        }

        return (domain, policy, permission);
    }
}
