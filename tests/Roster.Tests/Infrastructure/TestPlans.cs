using Microsoft.Extensions.DependencyInjection;
using Roster.Features.Plans;
using Roster.Features.Workspaces;
using Roster.Infrastructure.Authorization;

namespace Roster.Tests.Infrastructure;

/// <summary>
/// Moves a workspace to another plan with the use case the operator's <c>plan set</c> command runs
/// (<see cref="PlanAssignment"/>, as the operator, with its <c>plan.changed</c> entry), in process: the command's own
/// parsing and exit codes are tested by running it (tests/Roster.Tests/Operator); set-up needs no process per call.
/// </summary>
public static class TestPlans
{
    public const string Free = "Free";
    public const string Pro = "Pro";
    public const string Enterprise = "Enterprise";

    public static async Task SetPlanAsync(this RosterApp app, Guid workspaceId, string plan)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var catalog = scope.ServiceProvider.GetRequiredService<PlanCatalog>();
        var target = catalog.Find(plan) ?? throw new InvalidOperationException($"No plan called {plan}.");
        var changed = await scope.ServiceProvider.GetRequiredService<PlanAssignment>()
            .ChangeAsync(Actor.Operator, workspaceId, target, TestContext.Current.CancellationToken);
        if (!changed.IsSuccess)
        {
            throw new InvalidOperationException($"No workspace {workspaceId} to move to the {plan} plan: {changed.Error!.Code}.");
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
