using Microsoft.EntityFrameworkCore;
using Roster.Features.Workspaces;

namespace Roster.Tests.Infrastructure;

/// <summary>
/// Moves a workspace to another plan by writing <c>Workspaces.Plan</c> directly, as the operator's <c>plan set</c>
/// command does: a stand-in until tests can run that command (swap the body, keep the call sites).
/// </summary>
public static class TestPlans
{
    public const string Free = "Free";
    public const string Pro = "Pro";
    public const string Enterprise = "Enterprise";

    public static async Task SetPlanAsync(this RosterApp app, Guid workspaceId, string plan)
    {
        var changed = await app.QueryAsync(db => db.Workspaces.Where(w => w.Id == workspaceId)
            .ExecuteUpdateAsync(setters => setters.SetProperty(w => w.Plan, plan), TestContext.Current.CancellationToken));
        if (changed != 1)
        {
            throw new InvalidOperationException($"No workspace {workspaceId} to move to the {plan} plan.");
        }
    }

    /// <summary>A new workspace of the user's, moved to the given plan.</summary>
    public static async Task<WorkspaceResponse> CreateWorkspaceOnPlanAsync(this RosterApp app, TestUser admin, string plan, string? name = null)
    {
        var workspace = await admin.Client.CreateWorkspaceAsync(name);
        await app.SetPlanAsync(workspace.Id, plan);
        return workspace;
    }
}
