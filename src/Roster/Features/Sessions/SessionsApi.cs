using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Roster.Infrastructure.Authorization;
using Roster.Infrastructure.Errors;

namespace Roster.Features.Sessions;

/// <summary>One of the caller's live sessions on the wire. <c>Id</c> is the public id, never the secret the session's cookie or tokens carry.</summary>
public sealed record SessionResponse(Guid Id, string Device, string? Address, DateTimeOffset CreatedAt, DateTimeOffset LastSeenAt, bool Current);

/// <summary>The caller's live sessions, this one first.</summary>
public sealed record SessionListResponse(IReadOnlyList<SessionResponse> Items);

public static class SessionsApi
{
    /// <summary>
    /// The caller's own sessions (signed in with the cookie or a bearer token; an API key has none):
    /// <c>GET /api/v1/me/sessions</c>, <c>DELETE /api/v1/me/sessions/{sessionId}</c> (204; 404 <c>not_found</c> for an id
    /// that is not one of the caller's live sessions), <c>POST /api/v1/me/sessions/revoke-all</c> (204: every session
    /// ends, this one included).
    /// </summary>
    public static RouteGroupBuilder MapSessionsApi(this RouteGroupBuilder api)
    {
        var sessions = api.MapGroup("/me/sessions").WithTags("Account").RequireAuthorization();
        sessions.MapGet("/", ListAsync);
        sessions.MapDelete("/{sessionId:guid}", RevokeAsync);
        sessions.MapPost("/revoke-all", RevokeAllAsync);
        return api;
    }

    private static async Task<Ok<SessionListResponse>> ListAsync(ClaimsPrincipal principal, SessionService sessions, CancellationToken cancellationToken)
    {
        var list = await sessions.ListAsync(principal.UserId(), principal.FindSessionId(), cancellationToken);
        return TypedResults.Ok(new SessionListResponse(
            list.Select(s => new SessionResponse(s.Id, s.Device, s.Address, s.CreatedAt, s.LastSeenAt, s.Current)).ToList()));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(
        Guid sessionId, ClaimsPrincipal principal, SessionService sessions, CancellationToken cancellationToken)
    {
        var result = await sessions.RevokeAsync(principal.UserId(), sessionId, cancellationToken);
        return result.IsSuccess ? TypedResults.NoContent() : result.Error!.ToProblem();
    }

    private static async Task<NoContent> RevokeAllAsync(HttpContext http, SessionService sessions, CancellationToken cancellationToken)
    {
        await sessions.EndAllAsync(http.User.UserId(), exceptSessionId: null, SessionEndReason.AllSignedOut, cancellationToken);
        if (http.Request.Headers.Authorization.Count == 0)
        {
            // Signed in with the cookie: its session has just ended, so the browser drops it now rather than on its next request.
            await http.SignOutAsync(IdentityConstants.ApplicationScheme);
        }

        return TypedResults.NoContent();
    }
}
