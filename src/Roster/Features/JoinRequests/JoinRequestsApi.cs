using Microsoft.AspNetCore.Http.HttpResults;
using Roster.Infrastructure.Authorization;
using Roster.Infrastructure.Errors;
using Roster.Infrastructure.Web;

namespace Roster.Features.JoinRequests;

/// <summary>The body and answer of <c>/api/v1/workspaces/{id}/notifications</c>: whether the caller gets join emails there.</summary>
public sealed record JoinNoticesResponse(bool JoinNotices);

/// <summary>The body of <c>PUT /api/v1/workspaces/{id}/notifications</c>.</summary>
public sealed record JoinNoticesRequest(bool? JoinNotices);

public static class JoinRequestsApi
{
    public static RouteGroupBuilder MapJoinRequestsApi(this RouteGroupBuilder api)
    {
        var requests = api.MapGroup("/workspaces/{workspaceId:guid}/join-requests").WithTags("Join requests");

        // Anyone signed in may ask; the service answers 404 unless the workspace is discoverable for them.
        requests.MapPost("/", RequestAsync).RequireAuthorization();
        requests.MapGet("/", ListAsync).RequireAuthorization(WorkspacePolicies.Admin);
        requests.MapPost("/{requestId:guid}/approve", ApproveAsync).RequireAuthorization(WorkspacePolicies.Admin);
        requests.MapPost("/{requestId:guid}/decline", DeclineAsync).RequireAuthorization(WorkspacePolicies.Admin);

        var notices = api.MapGroup("/workspaces/{workspaceId:guid}/notifications").WithTags("Join requests")
            .RequireAuthorization(WorkspacePolicies.Admin);
        notices.MapGet("/", GetNoticesAsync);
        notices.MapPut("/", SetNoticesAsync);
        return api;
    }

    /// <summary>
    /// Asks to join a workspace of the caller's company domain: 201 with the pending request, 200 with the one already
    /// pending, or 201 with <c>status: "joined"</c> when the policy is automatic. Errors: 404 <c>workspace.not_found</c>
    /// (anything not discoverable for the caller), 409 <c>plan.member_limit_reached</c>, 429 <c>rate_limited</c>.
    /// </summary>
    private static async Task<Results<Created<JoinRequestResponse>, Ok<JoinRequestResponse>, ProblemHttpResult>> RequestAsync(
        Guid workspaceId, HttpContext http, JoinRequestService joinRequests, CancellationToken cancellationToken)
    {
        var result = await joinRequests.RequestAsync(Actor.From(http), workspaceId, cancellationToken);
        if (!result.IsSuccess)
        {
            return result.Error == JoinRequestErrors.RateLimited
                ? RateLimits.Rejected(http, TimeSpan.FromMinutes(60.0 / JoinRequestService.MaxPerAccountPerHour))
                : result.Error!.ToProblem();
        }

        var (request, created) = result.Value;
        return created
            ? TypedResults.Created(
                request.Id is { } id ? $"/api/v1/workspaces/{workspaceId}/join-requests/{id}" : $"/api/v1/workspaces/{workspaceId}", request)
            : TypedResults.Ok(request);
    }

    /// <summary>The workspace's pending requests, oldest first (Admins): <c>?limit=</c> (1 to 200, default 50) and <c>?after=</c> page.</summary>
    private static async Task<Results<Ok<Page<PendingJoinRequest>>, ProblemHttpResult>> ListAsync(
        Guid workspaceId, int? limit, string? after, JoinRequestService joinRequests, CancellationToken cancellationToken)
    {
        var result = await joinRequests.ListPendingAsync(workspaceId, new PageRequest(limit ?? PageRequest.DefaultLimit, after), cancellationToken);
        return result.IsSuccess ? TypedResults.Ok(result.Value) : result.Error!.ToProblem();
    }

    /// <summary>
    /// Approves with <c>{ "permission" }</c> (Admins). Errors: 400 <c>validation_failed</c>, 403 <c>plan.feature_locked</c>,
    /// 404 <c>join_request.not_found</c>, 409 <c>plan.member_limit_reached</c> (the request stays pending), 409 <c>member.already_member</c>.
    /// </summary>
    private static async Task<Results<Ok<JoinRequestResponse>, ProblemHttpResult>> ApproveAsync(
        Guid workspaceId, Guid requestId, ApproveJoinRequestRequest request, HttpContext http, JoinRequestService joinRequests, CancellationToken cancellationToken)
    {
        var result = await joinRequests.ApproveAsync(Actor.From(http), workspaceId, requestId, request.Permission, cancellationToken);
        return result.IsSuccess ? TypedResults.Ok(result.Value) : result.Error!.ToProblem();
    }

    /// <summary>Declines (Admins). Errors: 404 <c>join_request.not_found</c>.</summary>
    private static async Task<Results<Ok<JoinRequestResponse>, ProblemHttpResult>> DeclineAsync(
        Guid workspaceId, Guid requestId, HttpContext http, JoinRequestService joinRequests, CancellationToken cancellationToken)
    {
        var result = await joinRequests.DeclineAsync(Actor.From(http), workspaceId, requestId, cancellationToken);
        return result.IsSuccess ? TypedResults.Ok(result.Value) : result.Error!.ToProblem();
    }

    /// <summary>Whether the calling Admin gets an email when someone asks to join or joins this workspace.</summary>
    private static async Task<Results<Ok<JoinNoticesResponse>, ProblemHttpResult>> GetNoticesAsync(
        Guid workspaceId, HttpContext http, JoinNoticeSettings settings, CancellationToken cancellationToken) =>
        await settings.GetAsync(workspaceId, http.User.UserId(), cancellationToken) is { } enabled
            ? TypedResults.Ok(new JoinNoticesResponse(enabled))
            : Members.MemberErrors.WorkspaceGone.ToProblem();

    /// <summary>Turns those emails on or off with <c>{ "joinNotices": true|false }</c>. Errors: 400 <c>validation_failed</c>.</summary>
    private static async Task<Results<Ok<JoinNoticesResponse>, ProblemHttpResult>> SetNoticesAsync(
        Guid workspaceId, JoinNoticesRequest request, HttpContext http, JoinNoticeSettings settings, CancellationToken cancellationToken)
    {
        if (request.JoinNotices is not { } enabled)
        {
            return Error.Validation("joinNotices", "Say true or false.").ToProblem();
        }

        return await settings.SetAsync(workspaceId, http.User.UserId(), enabled, cancellationToken)
            ? TypedResults.Ok(new JoinNoticesResponse(enabled))
            : Members.MemberErrors.WorkspaceGone.ToProblem();
    }
}
