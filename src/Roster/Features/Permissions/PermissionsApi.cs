using Microsoft.AspNetCore.Http.HttpResults;
using Roster.Infrastructure.Authorization;
using Roster.Infrastructure.Errors;

namespace Roster.Features.Permissions;

public static class PermissionsApi
{
    public static RouteGroupBuilder MapPermissionsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/menus", (MenuCatalog menus) => TypedResults.Ok(menus.All.Select(m => new MenuResponse(m.Key, m.Name, m.Description))))
            .WithTags("Permissions").RequireAuthorization();

        var group = api.MapGroup("/workspaces/{workspaceId}/permissions").WithTags("Permissions")
            .RequireAuthorization(WorkspacePolicies.Member);
        group.MapGet("/", ListAsync);
        group.MapGet("/{permissionId:guid}", GetAsync);
        group.MapPost("/", CreateAsync).RequireAuthorization(WorkspacePolicies.Admin);
        group.MapPatch("/{permissionId:guid}", UpdateAsync).RequireAuthorization(WorkspacePolicies.Admin);
        group.MapDelete("/{permissionId:guid}", DeleteAsync).RequireAuthorization(WorkspacePolicies.Admin);
        return api;
    }

    private static async Task<Ok<IEnumerable<PermissionResponse>>> ListAsync(
        Guid workspaceId, PermissionService permissions, CancellationToken cancellationToken) =>
        TypedResults.Ok((await permissions.ListAsync(workspaceId, withMemberCounts: true, cancellationToken)).Select(permissions.ToResponse));

    private static async Task<Results<Ok<PermissionResponse>, ProblemHttpResult>> GetAsync(
        Guid workspaceId, Guid permissionId, PermissionService permissions, CancellationToken cancellationToken)
    {
        var result = await permissions.GetAsync(workspaceId, permissionId, cancellationToken);
        return result.IsSuccess ? TypedResults.Ok(permissions.ToResponse(result.Value)) : result.Error!.ToProblem();
    }

    private static async Task<Results<Created<PermissionResponse>, ProblemHttpResult>> CreateAsync(
        Guid workspaceId, PermissionRequest request, HttpContext http, PermissionService permissions, CancellationToken cancellationToken)
    {
        var result = await permissions.CreateAsync(Actor.From(http), workspaceId, request, cancellationToken);
        return result.IsSuccess
            ? TypedResults.Created($"/api/v1/workspaces/{workspaceId}/permissions/{result.Value.Permission.Id}", permissions.ToResponse(result.Value))
            : result.Error!.ToProblem();
    }

    private static async Task<Results<Ok<PermissionResponse>, ProblemHttpResult>> UpdateAsync(
        Guid workspaceId, Guid permissionId, PermissionRequest request, HttpContext http, PermissionService permissions, CancellationToken cancellationToken)
    {
        var result = await permissions.UpdateAsync(Actor.From(http), workspaceId, permissionId, request, cancellationToken);
        return result.IsSuccess ? TypedResults.Ok(permissions.ToResponse(result.Value)) : result.Error!.ToProblem();
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        Guid workspaceId, Guid permissionId, HttpContext http, PermissionService permissions, CancellationToken cancellationToken)
    {
        var result = await permissions.DeleteAsync(Actor.From(http), workspaceId, permissionId, cancellationToken);
        return result.IsSuccess ? TypedResults.NoContent() : result.Error!.ToProblem();
    }
}
