using Microsoft.EntityFrameworkCore;
using Roster.Infrastructure.Data;
using Roster.Infrastructure.Errors;

namespace Roster.Features.Plans;

/// <summary>A workspace's plan as Settings > Plan and <c>GET .../plan</c> show it: the plan and how many members it has.</summary>
public sealed record WorkspacePlan(Plan Plan, int Members)
{
    /// <summary>Whether one more member fits (false when the workspace has as many as its plan allows).</summary>
    public bool HasSeat => Plan.HasSeatFor(Members);
}

/// <summary>
/// Reads a workspace's plan and guards the features it unlocks (SPEC section 6). The plan itself is changed only by
/// the operator's command line; the member limit is enforced by <c>MemberService.AddAsync</c>.
/// </summary>
public sealed class PlanService(RosterDbContext db, PlanCatalog plans)
{
    /// <summary>The workspace's plan and member count in one read, or 404 <c>workspace.not_found</c>.</summary>
    public async Task<Result<WorkspacePlan>> GetAsync(Guid workspaceId, CancellationToken cancellationToken)
    {
        var row = await db.Workspaces.AsNoTracking().Where(w => w.Id == workspaceId)
            .Select(w => new { w.Plan, w.MemberCount })
            .SingleOrDefaultAsync(cancellationToken);
        return row is null ? Members.MemberErrors.WorkspaceGone : new WorkspacePlan(plans.Of(row.Plan), row.MemberCount);
    }

    /// <summary>
    /// Null when the workspace's plan includes the feature; otherwise 403 <c>plan.feature_locked</c>, naming the
    /// smallest plan that has it. A workspace that no longer exists is the caller's own 404 to find: this answers null.
    /// </summary>
    public async Task<Error?> RequireAsync(Guid workspaceId, PlanFeature feature, CancellationToken cancellationToken)
    {
        var recorded = await db.Workspaces.AsNoTracking().Where(w => w.Id == workspaceId).Select(w => w.Plan).SingleOrDefaultAsync(cancellationToken);
        return recorded is null ? null : plans.Lock(plans.Of(recorded), feature);
    }
}
