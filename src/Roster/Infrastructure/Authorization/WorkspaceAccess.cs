using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Roster.Features.Permissions;
using Roster.Infrastructure.Data;

namespace Roster.Infrastructure.Authorization;

/// <summary>A member's access to one workspace: the permission they hold there, as the evaluator reads it.</summary>
public sealed record MemberAccess(Guid WorkspaceId, Guid UserId, PermissionSnapshot Permission);

/// <summary>
/// Reads the caller from the database, once per request and in one round trip: their security stamp and, for a
/// workspace route, their membership with its permission's grants (one row: users left-joined to memberships and
/// permissions). Nothing is cached across requests, so a removed or demoted member loses access on their next
/// request, on every instance, and a reset password ends bearer sessions on theirs.
/// </summary>
public sealed class WorkspaceAccess(RosterDbContext db)
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
        cache[(access.WorkspaceId, access.UserId)] = new CallerRow(null, access);
    }

    /// <summary>The user's membership of the workspace, or null when they are not a member (or do not exist).</summary>
    public async Task<MemberAccess?> FindMembershipAsync(Guid workspaceId, Guid userId, CancellationToken cancellationToken) =>
        tokenWorkspaceId is { } scope && scope != workspaceId ? null : (await LoadAsync(workspaceId, userId, cancellationToken))?.Membership;

    /// <summary>
    /// Whether the principal's security stamp claim still matches the user's (Identity's rule: a password change or
    /// reset changes the stamp) and the account is not disabled (<c>users disable</c>): false ends the session or
    /// refuses the bearer token. Loads the route's membership in the same query, for the authorization that follows.
    /// </summary>
    public async Task<bool> HasCurrentSecurityStampAsync(ClaimsPrincipal principal, string stampClaimType, Guid? workspaceId, CancellationToken cancellationToken)
    {
        if (principal.FindUserId() is not { } userId)
        {
            return false;
        }

        var row = await LoadAsync(workspaceId, userId, cancellationToken);
        return row is not null && row.SecurityStamp is not null && row.SecurityStamp == principal.FindFirstValue(stampClaimType);
    }

    private async Task<CallerRow?> LoadAsync(Guid? workspaceId, Guid userId, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue((workspaceId, userId), out var cached))
        {
            return cached;
        }

        CallerRow? row;
        if (workspaceId is not { } id)
        {
            var stamp = await Stamp.For(db)(db, userId, cancellationToken);
            row = stamp is null ? null : new CallerRow(stamp.SecurityStamp, null);
        }
        else
        {
            var found = await StampAndMembership.For(db)(db, userId, id, cancellationToken);
            row = found is null
                ? null
                : new CallerRow(
                    found.SecurityStamp,
                    found.PermissionId is { } permissionId
                        ? new MemberAccess(id, userId, new PermissionSnapshot(permissionId, found.Name!, found.Kind!.Value, found.Grants!))
                        : null);
        }

        cache[(workspaceId, userId)] = row;
        if (workspaceId is not null)
        {
            cache[(null, userId)] = row;
        }

        return row;
    }

    /// <summary>The user's security stamp (null when there is no such user, or the account is disabled: then no stamp is current).</summary>
    private static readonly CompiledQuery<Func<RosterDbContext, Guid, CancellationToken, Task<StampRow?>>> Stamp = new(() =>
        EF.CompileAsyncQuery((RosterDbContext db, Guid userId, CancellationToken cancellationToken) =>
            db.Users.Where(u => u.Id == userId).Select(u => new StampRow(u.DisabledAt == null ? u.SecurityStamp : null)).SingleOrDefault()));

    /// <summary>
    /// The user's security stamp and their membership of the workspace with its permission, in one row: users
    /// left-joined to memberships and permissions (null when there is no such user; the permission's columns are
    /// null when they are not a member; the stamp is null when the account is disabled).
    /// </summary>
    private static readonly CompiledQuery<Func<RosterDbContext, Guid, Guid, CancellationToken, Task<StampAndMembershipRow?>>> StampAndMembership = new(() =>
        EF.CompileAsyncQuery((RosterDbContext db, Guid userId, Guid workspaceId, CancellationToken cancellationToken) =>
            (from user in db.Users
             where user.Id == userId
             join held in db.Memberships.Where(m => m.WorkspaceId == workspaceId)
                     .Join(db.Permissions, m => m.PermissionId, p => p.Id, (m, p) => new { m.UserId, p.Id, p.Name, p.Kind, p.Grants })
                 on user.Id equals held.UserId into memberships
             from held in memberships.DefaultIfEmpty()
             select new StampAndMembershipRow(user.DisabledAt == null ? user.SecurityStamp : null, (Guid?)held!.Id, held.Name, (PermissionKind?)held.Kind, held.Grants))
            .SingleOrDefault()));

    private sealed record CallerRow(string? SecurityStamp, MemberAccess? Membership);

    private sealed record StampRow(string? SecurityStamp);

    private sealed record StampAndMembershipRow(string? SecurityStamp, Guid? PermissionId, string? Name, PermissionKind? Kind, GrantSet? Grants);
}

public static class ClaimsPrincipalExtensions
{
    /// <summary>The signed-in user's id; only call where a signed-in user is required (not an API key).</summary>
    public static Guid UserId(this ClaimsPrincipal principal) =>
        Guid.Parse(principal.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("Not signed in."));

    public static Guid? FindUserId(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;
}
