using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Roster.Infrastructure.Authorization;
using Roster.Infrastructure.Errors;
using Roster.Infrastructure.Web;

namespace Roster.Features.Members;

public static class MembersApi
{
    public static RouteGroupBuilder MapMembersApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/workspaces/{workspaceId}/members").WithTags("Members")
            .RequireAuthorization(WorkspacePolicies.Member);
        group.MapGet("/", ListAsync);
        group.MapGet("/{userId:guid}", GetAsync);
        group.MapPatch("/{userId:guid}", ChangePermissionAsync).RequireAuthorization(WorkspacePolicies.Admin);
        group.MapDelete("/{userId:guid}", RemoveAsync);
        return api;
    }

    /// <summary><c>?q=</c> searches name and email; <c>?limit=</c> (1 to 200, default 50) and <c>?after=</c> page.</summary>
    private static async Task<Results<Ok<Page<MemberResponse>>, ProblemHttpResult>> ListAsync(
        Guid workspaceId, string? q, int? limit, string? after, MemberService members, CancellationToken cancellationToken)
    {
        var result = await members.ListAsync(workspaceId, q, new PageRequest(limit ?? PageRequest.DefaultLimit, after), cancellationToken);
        return result.IsSuccess
            ? TypedResults.Ok(new Page<MemberResponse>(result.Value.Items.Select(m => m.ToResponse()).ToList(), result.Value.Next, result.Value.Total))
            : result.Error!.ToProblem();
    }

    private static async Task<Results<Ok<MemberResponse>, ProblemHttpResult>> GetAsync(
        Guid workspaceId, Guid userId, MemberService members, CancellationToken cancellationToken)
    {
        var result = await members.GetAsync(workspaceId, userId, cancellationToken);
        return result.IsSuccess ? TypedResults.Ok(result.Value.ToResponse()) : result.Error!.ToProblem();
    }

    private static async Task<Results<Ok<MemberResponse>, ProblemHttpResult>> ChangePermissionAsync(
        Guid workspaceId, Guid userId, ChangeMemberPermissionRequest request, HttpContext http, MemberService members, CancellationToken cancellationToken)
    {
        var result = await members.ChangePermissionAsync(Actor.From(http), workspaceId, userId, request.Permission, cancellationToken);
        return result.IsSuccess ? TypedResults.Ok(result.Value.ToResponse()) : result.Error!.ToProblem();
    }

    /// <summary>Removes a member (Admins), or leaves the workspace (anyone, on their own id).</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveAsync(
        Guid workspaceId, Guid userId, HttpContext http, MemberService members, IAuthorizationService authorization, CancellationToken cancellationToken)
    {
        if (userId != http.User.UserId() && !(await authorization.AuthorizeAsync(http.User, http, WorkspacePolicies.Admin)).Succeeded)
        {
            return ProblemResults.Problem(StatusCodes.Status403Forbidden, "workspace.forbidden", "Your permission in this workspace does not allow this.");
        }

        var result = await members.RemoveAsync(Actor.From(http), workspaceId, userId, cancellationToken);
        return result.IsSuccess ? TypedResults.NoContent() : result.Error!.ToProblem();
    }
}
