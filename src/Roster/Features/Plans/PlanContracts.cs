namespace Roster.Features.Plans;

/// <summary>
/// <c>GET /api/v1/workspaces/{id}/plan</c>: the workspace's plan, its member limit (null: no limit), how many members
/// it has, the features its plan unlocks (wire names such as <c>api-keys</c>), and every plan of this server,
/// smallest first, to compare.
/// </summary>
public sealed record WorkspacePlanResponse(string Plan, int? MemberLimit, int Members, IReadOnlyList<string> Features, IReadOnlyList<PlanResponse> Plans);

/// <summary>One plan: its name, member limit (null: no limit) and features (wire names).</summary>
public sealed record PlanResponse(string Name, int? MemberLimit, IReadOnlyList<string> Features)
{
    public static PlanResponse From(Plan plan) =>
        new(plan.Name, plan.MemberLimit, [.. PlanFeatures.All.Where(plan.Has).Select(PlanFeatures.NameOf)]);
}
