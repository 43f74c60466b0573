using Microsoft.AspNetCore.Http.HttpResults;
using Roster.Infrastructure.Authorization;

namespace Roster.Features.Members;

public static class MembersApi
{
    public static RouteGroupBuilder MapMembersApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/workspaces/{workspaceId}/members").WithTags("Members")
            .RequireAuthorization(WorkspacePolicies.Member);
        group.MapGet("/", ListAsync);
        return api;
    }

    private static async Task<Ok<IReadOnlyList<MemberResponse>>> ListAsync(
        Guid workspaceId, MemberService members, CancellationToken cancellationToken) =>
        TypedResults.Ok(await members.ListAsync(workspaceId, cancellationToken));
}
