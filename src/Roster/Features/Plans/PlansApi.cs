using Microsoft.AspNetCore.Http.HttpResults;
using Roster.Infrastructure.Authorization;
using Roster.Infrastructure.Errors;

namespace Roster.Features.Plans;

public static class PlansApi
{
    public static RouteGroupBuilder MapPlansApi(this RouteGroupBuilder api)
    {
        api.MapGet("/workspaces/{workspaceId}/plan", GetAsync).WithTags("Plans").RequireAuthorization(WorkspacePolicies.Member);
        return api;
    }

    /// <summary>Any member may read the plan: it tells them why a link or a feature is refused.</summary>
    private static async Task<Results<Ok<WorkspacePlanResponse>, ProblemHttpResult>> GetAsync(
        Guid workspaceId, PlanService plans, PlanCatalog catalog, CancellationToken cancellationToken)
    {
        var result = await plans.GetAsync(workspaceId, cancellationToken);
        if (!result.IsSuccess)
        {
            return result.Error!.ToProblem();
        }

        var (plan, members) = result.Value;
        var current = PlanResponse.From(plan);
        return TypedResults.Ok(new WorkspacePlanResponse(
            plan.Name, plan.MemberLimit, members, current.Features, [.. catalog.All.Select(PlanResponse.From)]));
    }
}
