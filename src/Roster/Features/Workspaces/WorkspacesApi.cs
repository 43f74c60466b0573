using Microsoft.AspNetCore.Http.HttpResults;
using Roster.Infrastructure.Authorization;
using Roster.Infrastructure.Errors;

namespace Roster.Features.Workspaces;

public static class WorkspacesApi
{
    public static RouteGroupBuilder MapWorkspacesApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/workspaces").WithTags("Workspaces").RequireAuthorization();
        group.MapGet("/", ListAsync);
        group.MapPost("/", CreateAsync);
        group.MapGet("/{workspaceId}", GetAsync).RequireAuthorization(WorkspacePolicies.Member);
        return api;
    }

    private static async Task<Ok<IEnumerable<WorkspaceResponse>>> ListAsync(
        HttpContext http, WorkspaceService workspaces, CancellationToken cancellationToken) =>
        TypedResults.Ok((await workspaces.ListForUserAsync(http.User.UserId(), cancellationToken)).Select(w => w.ToResponse()));

    private static async Task<Results<Created<WorkspaceResponse>, ProblemHttpResult>> CreateAsync(
        CreateWorkspaceRequest request, HttpContext http, WorkspaceService workspaces, CancellationToken cancellationToken)
    {
        var result = await workspaces.CreateAsync(Actor.From(http), request, cancellationToken);
        return result.IsSuccess
            ? TypedResults.Created($"/api/v1/workspaces/{result.Value.Id}", result.Value.ToResponse())
            : result.Error!.ToProblem();
    }

    private static async Task<Results<Ok<WorkspaceResponse>, ProblemHttpResult>> GetAsync(
        Guid workspaceId, HttpContext http, WorkspaceService workspaces, CancellationToken cancellationToken)
    {
        var workspace = await workspaces.GetForMemberAsync(workspaceId, http.User.UserId(), cancellationToken);
        return workspace is null
            ? ProblemResults.Problem(StatusCodes.Status404NotFound, "workspace.not_found", "No such workspace.")
            : TypedResults.Ok(workspace.ToResponse());
    }
}
