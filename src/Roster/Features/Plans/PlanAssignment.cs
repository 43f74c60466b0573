using Microsoft.EntityFrameworkCore;
using Roster.Features.Audit;
using Roster.Infrastructure.Authorization;
using Roster.Infrastructure.Data;
using Roster.Infrastructure.Errors;

namespace Roster.Features.Plans;

/// <summary>
/// A workspace's move from one plan to another. <see cref="Changed"/> is false when it already was on
/// <see cref="To"/>; <see cref="Members"/> may exceed the new plan's limit (nobody is removed: nobody can join until
/// there are fewer).
/// </summary>
public sealed record PlanChange(Guid WorkspaceId, string WorkspaceName, Plan From, Plan To, int Members, bool Changed)
{
    public bool OverLimit => To.MemberLimit is { } limit && Members > limit;
}

/// <summary>
/// Changes a workspace's plan (the operator's <c>plan set</c>; self-hosted Roster has no billing). The plan's member
/// limit and features apply from the next request on, since every check reads the recorded plan
/// (<see cref="PlanCatalog.Of"/>).
/// </summary>
public sealed class PlanAssignment(RosterDbContext db, PlanCatalog plans, AuditLog audit)
{
    public static readonly Error WorkspaceNotFound = new("workspace.not_found", "No such workspace.", ErrorKind.NotFound);

    /// <summary>
    /// Records <paramref name="plan"/> as the workspace's plan and, in the same save (one transaction), the audit entry
    /// <c>plan.changed</c> with the details <c>Free → Pro</c>. Nothing is written when the workspace is already on it.
    /// Errors: 404 <c>workspace.not_found</c>.
    /// </summary>
    public async Task<Result<PlanChange>> ChangeAsync(Actor actor, Guid workspaceId, Plan plan, CancellationToken cancellationToken)
    {
        // Locks the row first (a no-op update) and then writes only the plan: a join, a rename or a delete at the same
        // moment is neither overwritten nor turned into a failed save, and the entry names the plan really replaced.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var locked = await db.Workspaces.Where(w => w.Id == workspaceId)
            .ExecuteUpdateAsync(setters => setters.SetProperty(w => w.Plan, w => w.Plan), cancellationToken);
        var workspace = locked == 0
            ? null
            : await db.Workspaces.AsNoTracking().Where(w => w.Id == workspaceId)
                .Select(w => new { w.Id, w.Name, w.Plan, w.MemberCount }).SingleOrDefaultAsync(cancellationToken);
        if (workspace is null)
        {
            return WorkspaceNotFound;
        }

        var from = plans.Of(workspace.Plan);
        if (string.Equals(from.Name, plan.Name, StringComparison.OrdinalIgnoreCase))
        {
            return new PlanChange(workspace.Id, workspace.Name, from, plan, workspace.MemberCount, Changed: false);
        }

        await db.Workspaces.Where(w => w.Id == workspaceId)
            .ExecuteUpdateAsync(setters => setters.SetProperty(w => w.Plan, plan.Name), cancellationToken);
        audit.Add(actor, workspace.Id, AuditActions.PlanChanged, new AuditTarget(AuditTargets.Workspace, workspace.Id.ToString(), workspace.Name), details: $"{from.Name} → {plan.Name}");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new PlanChange(workspace.Id, workspace.Name, from, plan, workspace.MemberCount, Changed: true);
    }
}
