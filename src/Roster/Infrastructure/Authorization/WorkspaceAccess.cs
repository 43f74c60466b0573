using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Roster.Features.Permissions;
using Roster.Features.Sessions;
using Roster.Infrastructure.Data;
using Roster.Infrastructure.Security;

namespace Roster.Infrastructure.Authorization;

/// <summary>A member's access to one workspace: the permission they hold there, as the evaluator reads it.</summary>
public sealed record MemberAccess(Guid WorkspaceId, Guid UserId, PermissionSnapshot Permission);

/// <summary>
/// Reads the caller from the database, once per request and in one round trip: their security stamp, their live
/// server-side session (issue 7, item 4) and, for a workspace route, their membership with its permission's grants
/// (one row: users left-joined to sessions, memberships and permissions). Nothing is cached across requests, so a
/// removed or demoted member loses access on their next request, on every instance, and a reset password or an ended
/// session ends cookie and bearer sessions on theirs.
/// </summary>
public sealed class WorkspaceAccess(RosterDbContext db, SessionService sessions, TimeProvider time)
{
    private readonly Dictionary<(Guid? WorkspaceId, Guid UserId), CallerRow?> cache = [];

    /// <summary>The one workspace a personal access token confines this request to, once it authenticated.</summary>
    private Guid? tokenWorkspaceId;

    /// <summary>
    /// Confines this request to a personal access token's workspace, with the permission its authentication read
    /// (in the same query as the token: no second read). Every other workspace answers "not a member".
    /// </summary>
    public void ScopeToAccessToken(MemberAccess access)
    {
        tokenWorkspaceId = access.WorkspaceId;
        cache[(access.WorkspaceId, access.UserId)] = new CallerRow(null, access, null, null, null);
    }

    /// <summary>The user's membership of the workspace, or null when they are not a member (or do not exist).</summary>
    public async Task<MemberAccess?> FindMembershipAsync(Guid workspaceId, Guid userId, CancellationToken cancellationToken) =>
        tokenWorkspaceId is { } scope && scope != workspaceId ? null : (await LoadAsync(workspaceId, userId, sessionHash: null, cancellationToken))?.Membership;

    /// <summary>
    /// Whether the principal is still signed in: its security stamp claim matches the user's (Identity's rule: a password
    /// change or reset changes the stamp), the account is not disabled (<c>users disable</c>), and the session its
    /// <see cref="SessionClaims.SessionId"/> claim names is live (not signed out, revoked or ended by a reset). A principal
    /// without a session claim (issued before server-side sessions) is refused. False ends the cookie or refuses the bearer
    /// token. Loads the route's membership in the same query, for the authorization that follows; writes the session's
    /// "last seen" only when it is more than <see cref="SessionService.LastSeenPrecision"/> old (one conditional update).
    /// </summary>
    public async Task<bool> HasCurrentSecurityStampAsync(ClaimsPrincipal principal, string stampClaimType, Guid? workspaceId, CancellationToken cancellationToken)
    {
        if (principal.FindUserId() is not { } userId || principal.FindSessionId() is not { Length: > 0 } sessionId)
        {
            return false;
        }

        var row = await LoadAsync(workspaceId, userId, SecretToken.Hash(sessionId), cancellationToken);
        if (row is not { SecurityStamp: { } stamp, SessionId: { } liveSession, SessionLastSeenAt: { } lastSeen }
            || stamp != principal.FindFirstValue(stampClaimType))
        {
            return false;
        }

        if (sessions.IsStale(lastSeen))
        {
            await sessions.TouchAsync(liveSession, cancellationToken);

            // Written for this request: a second check in it (the cookie, then the route) does not write again.
            cache[(workspaceId, userId)] = row with { SessionLastSeenAt = DateTimeOffset.MaxValue };
        }

        return true;
    }

    private async Task<CallerRow?> LoadAsync(Guid? workspaceId, Guid userId, string? sessionHash, CancellationToken cancellationToken)
    {
        // A row read for the membership alone (no session) answers membership questions; the session check needs the
        // row read with its own session's hash.
        if (cache.TryGetValue((workspaceId, userId), out var cached) && (sessionHash is null || cached?.SessionHash == sessionHash))
        {
            return cached;
        }

        CallerRow? row;
        if (workspaceId is not { } id)
        {
            var stamp = await Stamp.For(db)(db, userId, sessionHash, time.GetUtcNowForStorage(), cancellationToken);
            row = stamp is null ? null : new CallerRow(stamp.SecurityStamp, null, sessionHash, stamp.SessionId, stamp.SessionLastSeenAt);
        }
        else
        {
            var found = await StampAndMembership.For(db)(db, userId, id, sessionHash, time.GetUtcNowForStorage(), cancellationToken);
            row = found is null
                ? null
                : new CallerRow(
                    found.SecurityStamp,
                    found.PermissionId is { } permissionId
                        ? new MemberAccess(id, userId, new PermissionSnapshot(permissionId, found.Name!, found.Kind!.Value, found.Grants!))
                        : null,
                    sessionHash,
                    found.SessionId,
                    found.SessionLastSeenAt);
        }

        cache[(workspaceId, userId)] = row;
        if (workspaceId is not null)
        {
            cache[(null, userId)] = row;
        }

        return row;
    }

    /// <summary>
    /// The user's security stamp and their live session with that secret hash (null when there is no such user; the
    /// stamp is null when the account is disabled: then no stamp is current; the session's columns are null when it is
    /// not live (ended, or expired at <c>now</c>) or not theirs).
    /// </summary>
    private static readonly CompiledQuery<Func<RosterDbContext, Guid, string?, DateTimeOffset, CancellationToken, Task<StampRow?>>> Stamp = new(() =>
        EF.CompileAsyncQuery((RosterDbContext db, Guid userId, string? sessionHash, DateTimeOffset now, CancellationToken cancellationToken) =>
            (from user in db.Users
             where user.Id == userId
             join live in db.Sessions.Where(s => s.SecretHash == sessionHash && s.EndedAt == null && s.ExpiresAt > now) on user.Id equals live.UserId into lives
             from live in lives.DefaultIfEmpty()
             select new StampRow(user.DisabledAt == null ? user.SecurityStamp : null, (Guid?)live!.Id, (DateTimeOffset?)live.LastSeenAt))
            .SingleOrDefault()));

    /// <summary>
    /// The user's security stamp, their live session with that secret hash, and their membership of the workspace with
    /// its permission, in one row: users left-joined to sessions, memberships and permissions (null when there is no
    /// such user; the permission's columns are null when they are not a member; the session's when it is not live; the
    /// stamp is null when the account is disabled).
    /// </summary>
    private static readonly CompiledQuery<Func<RosterDbContext, Guid, Guid, string?, DateTimeOffset, CancellationToken, Task<StampAndMembershipRow?>>> StampAndMembership = new(() =>
        EF.CompileAsyncQuery((RosterDbContext db, Guid userId, Guid workspaceId, string? sessionHash, DateTimeOffset now, CancellationToken cancellationToken) =>
            (from user in db.Users
             where user.Id == userId
             join live in db.Sessions.Where(s => s.SecretHash == sessionHash && s.EndedAt == null && s.ExpiresAt > now) on user.Id equals live.UserId into lives
             from live in lives.DefaultIfEmpty()
                 // The user's id is repeated inside the subquery: SQLite does not push the outer "user.Id = @userId" into a
                 // left-joined subquery, and without it read every membership of the workspace (issue 9: flat as it grows).
             join held in db.Memberships.Where(m => m.WorkspaceId == workspaceId && m.UserId == userId)
                     .Join(db.Permissions, m => m.PermissionId, p => p.Id, (m, p) => new { m.UserId, p.Id, p.Name, p.Kind, p.Grants })
                 on user.Id equals held.UserId into memberships
             from held in memberships.DefaultIfEmpty()
             select new StampAndMembershipRow(
                 user.DisabledAt == null ? user.SecurityStamp : null,
                 (Guid?)held!.Id,
                 held.Name,
                 (PermissionKind?)held.Kind,
                 held.Grants,
                 (Guid?)live!.Id,
                 (DateTimeOffset?)live.LastSeenAt))
            .SingleOrDefault()));

    private sealed record CallerRow(string? SecurityStamp, MemberAccess? Membership, string? SessionHash, Guid? SessionId, DateTimeOffset? SessionLastSeenAt);

    private sealed record StampRow(string? SecurityStamp, Guid? SessionId, DateTimeOffset? SessionLastSeenAt);

    private sealed record StampAndMembershipRow(
        string? SecurityStamp, Guid? PermissionId, string? Name, PermissionKind? Kind, GrantSet? Grants, Guid? SessionId, DateTimeOffset? SessionLastSeenAt);
}

public static class ClaimsPrincipalExtensions
{
    /// <summary>The signed-in user's id; only call where a signed-in user is required (not an API key).</summary>
    public static Guid UserId(this ClaimsPrincipal principal) =>
        Guid.Parse(principal.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("Not signed in."));

    public static Guid? FindUserId(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;
}
