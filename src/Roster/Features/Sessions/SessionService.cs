using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Roster.Infrastructure.Authorization;
using Roster.Infrastructure.Data;
using Roster.Infrastructure.Errors;
using Roster.Infrastructure.Security;

namespace Roster.Features.Sessions;

/// <summary>One of a person's live sessions, as the sessions list shows it. <see cref="Current"/> is the one asking.</summary>
public sealed record SessionView(Guid Id, SessionKind Kind, string Device, string? Address, DateTimeOffset CreatedAt, DateTimeOffset LastSeenAt, bool Current);

/// <summary>The sessions' expected failures, with stable codes.</summary>
public static class SessionErrors
{
    /// <summary>404 <c>not_found</c>: no live session with that id is the caller's (another person's answers the same).</summary>
    public static readonly Error NotFound = new("not_found", "No such session.", ErrorKind.NotFound);
}

/// <summary>
/// Server-side sessions (issue 7, item 4): started by every sign-in (<c>RosterSignInManager.SignInWithClaimsAsync</c>),
/// checked on every request (<c>WorkspaceAccess</c>, in the security-stamp query), ended by sign-out, by the person
/// from their sessions list, and by a password change or reset or a disabled account (all but the current one, or all).
/// </summary>
/// <remarks>
/// The "session id" in these methods is the secret the cookie and tokens carry (claim <see cref="SessionClaims.SessionId"/>);
/// it is only ever compared through its SHA-256 (<see cref="SecretToken.Hash"/>), in the database's index. The public id
/// (<see cref="Session.Id"/>) is what lists and the API show. Ending is a conditional update (live rows only), so two
/// requests ending one session both succeed and the first reason stays.
/// <para>
/// A session expires by itself (<see cref="Session.ExpiresAt"/>) when the last cookie or refresh token it issued does:
/// a cookie session lives the application cookie's <c>ExpireTimeSpan</c> from sign-in and is moved on when sliding
/// expiration renews the cookie (<see cref="OnCheckSlidingExpirationAsync"/>); a bearer session lives the refresh token's
/// lifetime (<c>BearerTokenOptions.RefreshTokenExpiration</c>) and is moved on by each refresh (<see cref="ExtendAsync"/>).
/// An expired session is not live anywhere liveness is read: <see cref="IsLiveAsync"/>, the list, and the per-request
/// query in <c>WorkspaceAccess</c>. Times come from <see cref="TimeProvider"/>.
/// </para>
/// </remarks>
public sealed class SessionService(
    RosterDbContext db,
    TimeProvider time,
    IOptionsMonitor<CookieAuthenticationOptions> cookieOptions,
    IOptionsMonitor<BearerTokenOptions> bearerOptions)
{
    /// <summary>How stale "last seen" may get before a request writes it again (at most one write a minute per session).</summary>
    public static readonly TimeSpan LastSeenPrecision = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Starts a session for the user and returns its secret id (256 bits from the CSPRNG, base64url), for the claim.
    /// <paramref name="userAgent"/> is reduced to a short description (<see cref="DeviceDescription"/>) and not kept.
    /// </summary>
    public async Task<string> StartAsync(Guid userId, SessionKind kind, string? userAgent, string? address, CancellationToken cancellationToken)
    {
        var secret = SecretToken.Create();
        var now = time.GetUtcNowForStorage();
        var session = new Session(userId, SecretToken.Hash(secret), kind, DeviceDescription.Describe(userAgent), address, now, now + Lifetime(kind));
        db.Sessions.Add(session);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        finally
        {
            // Nothing later in the request should save this row again, or hold it tracked.
            db.Entry(session).State = EntityState.Detached;
        }

        return secret;
    }

    /// <summary>Whether the secret session id names a live session of this user: not ended and not expired.</summary>
    public Task<bool> IsLiveAsync(Guid userId, string sessionId, CancellationToken cancellationToken)
    {
        var hash = SecretToken.Hash(sessionId);
        var now = time.GetUtcNowForStorage();
        return db.Sessions.AnyAsync(s => s.SecretHash == hash && s.UserId == userId && s.EndedAt == null && s.ExpiresAt > now, cancellationToken);
    }

    /// <summary>
    /// How long a session of this kind lives from its sign-in or its last renewal: the application cookie's
    /// <c>ExpireTimeSpan</c> (Identity's default: 14 days), or the bearer refresh token's <c>RefreshTokenExpiration</c>
    /// (default 14 days), as configured.
    /// </summary>
    public TimeSpan Lifetime(SessionKind kind) => kind == SessionKind.Bearer
        ? bearerOptions.Get(IdentityConstants.BearerScheme).RefreshTokenExpiration
        : cookieOptions.Get(IdentityConstants.ApplicationScheme).ExpireTimeSpan;

    /// <summary>
    /// Moves the expiry of the user's live session with this secret id to a full <see cref="Lifetime"/> from now: a
    /// refresh issued a new refresh token, or sliding expiration renewed the cookie. A conditional update that writes only
    /// when the stored expiry is more than <see cref="LastSeenPrecision"/> older than the new one, so concurrent
    /// renewals write once and at most once a minute. An ended or expired session is not revived.
    /// </summary>
    public Task ExtendAsync(Guid userId, string sessionId, SessionKind kind, CancellationToken cancellationToken)
    {
        var hash = SecretToken.Hash(sessionId);
        var now = time.GetUtcNowForStorage();
        var expiresAt = now + Lifetime(kind);
        var stale = expiresAt - LastSeenPrecision;
        return db.Sessions
            .Where(s => s.SecretHash == hash && s.UserId == userId && s.Kind == kind && s.EndedAt == null && s.ExpiresAt > now && s.ExpiresAt <= stale)
            .ExecuteUpdateAsync(setters => setters.SetProperty(s => s.ExpiresAt, expiresAt), cancellationToken);
    }

    /// <summary>
    /// The application cookie's <c>OnCheckSlidingExpiration</c> event: when the handler is about to renew the cookie
    /// (more than half its lifetime has passed), the session's expiry moves on with it (<see cref="ExtendAsync"/>).
    /// </summary>
    public static async Task OnCheckSlidingExpirationAsync(CookieSlidingExpirationContext context)
    {
        if (context.ShouldRenew && context.Principal is { } principal
            && principal.FindUserId() is { } userId && principal.FindSessionId() is { Length: > 0 } sessionId)
        {
            await context.HttpContext.RequestServices.GetRequiredService<SessionService>()
                .ExtendAsync(userId, sessionId, SessionKind.Cookie, context.HttpContext.RequestAborted);
        }
    }

    /// <summary>
    /// Ends the user's session with this secret id (the caller's own: sign-out). False when it was already ended or is
    /// not theirs (nothing changes).
    /// </summary>
    public async Task<bool> EndAsync(Guid userId, string sessionId, SessionEndReason reason, CancellationToken cancellationToken)
    {
        var hash = SecretToken.Hash(sessionId);
        return await EndWhereAsync(db.Sessions.Where(s => s.SecretHash == hash && s.UserId == userId), reason, cancellationToken) > 0;
    }

    /// <summary>
    /// Ends one of the user's live sessions by its public id (the sessions list's <c>End</c>, <c>DELETE /api/v1/me/sessions/{id}</c>).
    /// Errors: 404 <c>not_found</c> when no live session with that id is theirs (another person's, ended, or none).
    /// </summary>
    public async Task<Result<bool>> RevokeAsync(Guid userId, Guid id, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNowForStorage();
        return await EndWhereAsync(db.Sessions.Where(s => s.Id == id && s.UserId == userId && s.ExpiresAt > now), SessionEndReason.Revoked, cancellationToken) > 0
            ? true
            : SessionErrors.NotFound;
    }

    /// <summary>
    /// Ends every live session of the user but the one with <paramref name="exceptSessionId"/> (the secret id; null ends
    /// them all): a password change or reset, a disabled account, <c>Sign out of all devices</c>. Returns how many ended.
    /// </summary>
    public Task<int> EndAllAsync(Guid userId, string? exceptSessionId, SessionEndReason reason, CancellationToken cancellationToken)
    {
        var sessions = db.Sessions.Where(s => s.UserId == userId);
        if (exceptSessionId is not null)
        {
            var kept = SecretToken.Hash(exceptSessionId);
            sessions = sessions.Where(s => s.SecretHash != kept);
        }

        return EndWhereAsync(sessions, reason, cancellationToken);
    }

    /// <summary>The user's live (not ended, not expired) sessions, the current one (by its secret id) first, then the most recently seen.</summary>
    public async Task<IReadOnlyList<SessionView>> ListAsync(Guid userId, string? currentSessionId, CancellationToken cancellationToken)
    {
        var current = currentSessionId is null ? null : SecretToken.Hash(currentSessionId);
        var now = time.GetUtcNowForStorage();
        var rows = await db.Sessions.AsNoTracking()
            .Where(s => s.UserId == userId && s.EndedAt == null && s.ExpiresAt > now)
            .Select(s => new { s.Id, s.Kind, s.Device, s.Address, s.CreatedAt, s.LastSeenAt, Current = s.SecretHash == current })
            .ToListAsync(cancellationToken);
        return rows
            .Select(s => new SessionView(s.Id, s.Kind, s.Device, s.Address, s.CreatedAt, s.LastSeenAt, s.Current))
            .OrderByDescending(s => s.Current).ThenByDescending(s => s.LastSeenAt).ThenByDescending(s => s.CreatedAt)
            .ToList();
    }

    /// <summary>
    /// Writes "last seen" for a live session when it is older than <see cref="LastSeenPrecision"/>: a conditional update,
    /// so concurrent requests write it once and no read comes first.
    /// </summary>
    public Task TouchAsync(Guid id, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNowForStorage();
        var stale = now - LastSeenPrecision;
        return db.Sessions.Where(s => s.Id == id && s.EndedAt == null && s.ExpiresAt > now && s.LastSeenAt <= stale)
            .ExecuteUpdateAsync(setters => setters.SetProperty(s => s.LastSeenAt, now), cancellationToken);
    }

    /// <summary>Whether "last seen" at <paramref name="lastSeenAt"/> is old enough to be written again now.</summary>
    public bool IsStale(DateTimeOffset lastSeenAt) => time.GetUtcNow() - lastSeenAt >= LastSeenPrecision;

    private Task<int> EndWhereAsync(IQueryable<Session> sessions, SessionEndReason reason, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNowForStorage();
        return sessions.Where(s => s.EndedAt == null).ExecuteUpdateAsync(
            setters => setters.SetProperty(s => s.EndedAt, now).SetProperty(s => s.EndReason, (SessionEndReason?)reason), cancellationToken);
    }
}
