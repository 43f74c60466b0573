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
        group.MapPatch("/{workspaceId}", UpdateAsync).RequireAuthorization(WorkspacePolicies.Admin);
        group.MapDelete("/{workspaceId}", DeleteAsync).RequireAuthorization(WorkspacePolicies.Admin);
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

    /// <summary>Renames the workspace (Admins). Errors: 400 <c>validation_failed</c> on <c>name</c>, 404 <c>workspace.not_found</c>.</summary>
    private static async Task<Results<Ok<WorkspaceResponse>, ProblemHttpResult>> UpdateAsync(
        Guid workspaceId, UpdateWorkspaceRequest request, HttpContext http, WorkspaceService workspaces, CancellationToken cancellationToken)
    {
        if (request.Name is null)
        {
            // Nothing to change: the workspace as it is.
            return await GetAsync(workspaceId, http, workspaces, cancellationToken);
        }

        var result = await workspaces.RenameAsync(Actor.From(http), workspaceId, request.Name, cancellationToken);
        return result.IsSuccess ? TypedResults.Ok(result.Value.ToResponse()) : result.Error!.ToProblem();
    }

    /// <summary>Deletes the workspace and everything in it (Admins): 204. Errors: 404 <c>workspace.not_found</c>.</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        Guid workspaceId, HttpContext http, WorkspaceService workspaces, CancellationToken cancellationToken)
    {
        var result = await workspaces.DeleteAsync(Actor.From(http), workspaceId, cancellationToken);
        return result.IsSuccess ? TypedResults.NoContent() : result.Error!.ToProblem();
    }
}
