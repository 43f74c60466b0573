using Microsoft.EntityFrameworkCore;
using Roster.Features.Audit;
using Roster.Features.Permissions;
using Roster.Infrastructure.Authorization;
using Roster.Infrastructure.Data;
using Roster.Infrastructure.Errors;
using Roster.Infrastructure.Security;
using Roster.Infrastructure.Text;

namespace Roster.Features.AccessTokens;

public static class AccessTokenErrors
{
    public static readonly Error NotFound = new("access_token.not_found", "No such personal access token of yours.", ErrorKind.NotFound);

    public static readonly Error PermissionTooHigh = new(
        "access_token.permission_too_high", "A token may not carry a permission higher than your own in its workspace.", ErrorKind.Forbidden,
        new Dictionary<string, string[]> { ["permission"] = ["Your own permission in this workspace does not include everything this one allows. Choose yours or a lower one."] });

    public static readonly Error NotAllowed = new(
        "access_token.not_allowed", "A personal access token works only on its own workspace's routes, never on account routes or pages.", ErrorKind.Forbidden);
}

/// <summary>A live token as authentication reads it: its id and the membership it acts with (the token's permission).</summary>
public sealed record AuthenticatedAccessToken(Guid TokenId, MemberAccess Access);

/// <summary>A token just created, with its secret (shown once).</summary>
public sealed record CreatedAccessToken(PersonalAccessToken Token, string Secret, string WorkspaceName, string PermissionName);

/// <summary>A permission the person may give a token: one of a workspace's that their own there covers.</summary>
public sealed record GrantableAccess(Guid WorkspaceId, string WorkspaceName, Guid PermissionId, string PermissionName);

/// <summary>
/// Personal access tokens (account settings > Personal access tokens, <c>/api/v1/me/tokens</c>): create (shown once),
/// list, revoke, and authenticate. No plan feature gates them: a token grants its creator nothing they could not do in
/// the dashboard, in one workspace only (SPEC section 6 locks API keys, which act as a workspace, not tokens).
/// </summary>
public sealed class PersonalAccessTokenService(RosterDbContext db, MenuCatalog menus, PermissionService permissions, AuditLog audit, TimeProvider time)
{
    /// <summary>How stale "last used" may get: it is written at most once per token in this time, so using a token costs no write.</summary>
    public static readonly TimeSpan LastUsedPrecision = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The live token with this hash, in one row: the token (neither revoked nor expired), its creator (not disabled),
    /// the token's permission and the creator's current membership with its permission (inner joins: no membership, no
    /// row). Every request with a token reads it.
    /// </summary>
    private static readonly CompiledQuery<Func<RosterDbContext, string, DateTimeOffset, CancellationToken, Task<TokenRow?>>> LiveTokenByHash = new(() =>
        EF.CompileAsyncQuery((RosterDbContext db, string hash, DateTimeOffset now, CancellationToken cancellationToken) =>
            (from token in db.PersonalAccessTokens
             where token.SecretHash == hash && token.RevokedAt == null && token.ExpiresAt > now
             join user in db.Users on token.UserId equals user.Id
             where user.DisabledAt == null
             join granted in db.Permissions on token.PermissionId equals granted.Id
             join membership in db.Memberships on new { token.WorkspaceId, token.UserId } equals new { membership.WorkspaceId, membership.UserId }
             join held in db.Permissions on membership.PermissionId equals held.Id
             select new TokenRow(
                 token.Id, token.UserId, token.WorkspaceId, token.LastUsedAt,
                 granted.Id, granted.Name, granted.Kind, granted.Grants,
                 held.Id, held.Name, held.Kind, held.Grants))
            .SingleOrDefault()));

    /// <summary>
    /// Creates a token for one of the caller's workspaces (its <c>personal_access_token.created</c> entry in that
    /// workspace's log, in the same save). Errors: <c>validation_failed</c> on <c>name</c>, <c>workspaceId</c> (no
    /// workspace of the caller's has that id: the same answer whether or not it exists), <c>permission</c> (not one of
    /// the workspace's) or <c>expiresInDays</c> (1 to 365); 403 <c>access_token.permission_too_high</c>. A membership
    /// lost meanwhile cannot leave a working token behind: every use re-reads it (<see cref="AuthenticateAsync"/>).
    /// </summary>
    public async Task<Result<CreatedAccessToken>> CreateAsync(Actor actor, CreateAccessTokenRequest request, CancellationToken cancellationToken)
    {
        var userId = actor.RequiredUserId;
        var fields = new Dictionary<string, string[]>();
        var name = (request.Name ?? "").Trim();
        if (name.Length == 0 || StorableText.Length(name) > PersonalAccessToken.NameMaxLength || name.Any(char.IsControl) || StorableText.Problem(name) is not null)
        {
            fields["name"] = [$"Give the token a name of 1 to {PersonalAccessToken.NameMaxLength} characters, such as the script that will use it."];
        }

        if (request.ExpiresInDays is not (>= 1 and <= PersonalAccessToken.MaxLifetimeDays))
        {
            fields["expiresInDays"] = [$"Choose how many days the token works: 1 to {PersonalAccessToken.MaxLifetimeDays}."];
        }

        var membership = request.WorkspaceId is { } workspaceId
            ? await (from held in db.Memberships.AsNoTracking()
                     where held.WorkspaceId == workspaceId && held.UserId == userId
                     join own in db.Permissions on held.PermissionId equals own.Id
                     join workspace in db.Workspaces on held.WorkspaceId equals workspace.Id
                     select new { Permission = new PermissionSnapshot(own.Id, own.Name, own.Kind, own.Grants), WorkspaceName = workspace.Name })
                .SingleOrDefaultAsync(cancellationToken)
            : null;
        if (membership is null)
        {
            fields["workspaceId"] = ["Choose one of your workspaces."];
            return Error.Validation(fields);
        }

        var permission = await permissions.ResolveAsync(request.WorkspaceId!.Value, request.Permission, cancellationToken);
        if (permission is null)
        {
            fields["permission"] = ["Choose one of the workspace's permissions, by name or id."];
        }

        if (fields.Count > 0)
        {
            return Error.Validation(fields);
        }

        if (!PermissionEvaluator.Covers(membership.Permission, permission!, menus))
        {
            return AccessTokenErrors.PermissionTooHigh;
        }

        var now = time.GetUtcNowForStorage();
        var secret = PersonalAccessToken.Prefix + SecretToken.Create();
        var token = new PersonalAccessToken(
            userId, request.WorkspaceId.Value, permission!.Id, name, SecretToken.Hash(secret), now, now.AddDays(request.ExpiresInDays!.Value));
        db.PersonalAccessTokens.Add(token);
        audit.Add(actor, token.WorkspaceId, AuditActions.AccessTokenCreated, AuditTargets.ForAccessToken(token.Id, token.Name, token.Fingerprint),
            details: $"{permission.Name}, expires {token.ExpiresAt:yyyy-MM-dd HH:mm} UTC", at: now);
        await db.SaveChangesAsync(cancellationToken);
        return new CreatedAccessToken(token, secret, membership.WorkspaceName, permission.Name);
    }

    /// <summary>The person's tokens, newest first, revoked and expired ones included (for the record).</summary>
    public async Task<IReadOnlyList<AccessTokenResponse>> ListAsync(Guid userId, CancellationToken cancellationToken)
    {
        var rows = await (from token in db.PersonalAccessTokens.AsNoTracking()
                          where token.UserId == userId
                          join workspace in db.Workspaces on token.WorkspaceId equals workspace.Id
                          join permission in db.Permissions on token.PermissionId equals permission.Id
                          orderby token.CreatedAt descending
                          select new { Token = token, WorkspaceName = workspace.Name, PermissionName = permission.Name })
            .ToListAsync(cancellationToken);
        return rows.Select(row => new AccessTokenResponse(
                row.Token.Id,
                row.Token.Name,
                row.Token.Fingerprint,
                row.Token.WorkspaceId,
                row.WorkspaceName,
                row.PermissionName,
                row.Token.PermissionId,
                row.Token.CreatedAt,
                row.Token.ExpiresAt,
                row.Token.LastUsedAt,
                row.Token.RevokedAt))
            .ToList();
    }

    /// <summary>
    /// What the person may give a token: each workspace of theirs with every permission there that their own covers
    /// (their own included), in the workspace's display order.
    /// </summary>
    public async Task<IReadOnlyList<GrantableAccess>> GrantableAsync(Guid userId, CancellationToken cancellationToken)
    {
        var held = await (from membership in db.Memberships.AsNoTracking()
                          where membership.UserId == userId
                          join workspace in db.Workspaces on membership.WorkspaceId equals workspace.Id
                          join permission in db.Permissions on membership.PermissionId equals permission.Id
                          select new { workspace.Id, workspace.Name, Permission = new PermissionSnapshot(permission.Id, permission.Name, permission.Kind, permission.Grants) })
            .ToListAsync(cancellationToken);
        var workspaceIds = held.Select(h => h.Id).ToList();
        var all = await db.Permissions.AsNoTracking()
            .Where(p => workspaceIds.Contains(p.WorkspaceId))
            .Select(p => new { p.WorkspaceId, Permission = new PermissionSnapshot(p.Id, p.Name, p.Kind, p.Grants) })
            .ToListAsync(cancellationToken);
        return held
            .OrderBy(h => h.Name, StringComparer.OrdinalIgnoreCase)
            .SelectMany(h => all
                .Where(p => p.WorkspaceId == h.Id && PermissionEvaluator.Covers(h.Permission, p.Permission, menus))
                .OrderBy(p => p.Permission.Kind == PermissionKind.Custom ? int.MaxValue : (int)p.Permission.Kind)
                .ThenBy(p => p.Permission.Name, StringComparer.OrdinalIgnoreCase)
                .Select(p => new GrantableAccess(h.Id, h.Name, p.Permission.Id, p.Permission.Name)))
            .ToList();
    }

    /// <summary>
    /// Revokes one of the person's tokens at once (its <c>personal_access_token.revoked</c> entry in the same save): its
    /// next request is refused. Revoking a revoked token answers as the first time and records nothing.
    /// Errors: 404 <c>access_token.not_found</c> (also for another person's token).
    /// </summary>
    public async Task<Result<AccessTokenResponse>> RevokeAsync(Actor actor, Guid tokenId, CancellationToken cancellationToken)
    {
        // A conditional update: of two revocations at once, one changes the row and writes the entry, the other neither.
        var userId = actor.RequiredUserId;
        var now = time.GetUtcNowForStorage();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var revoked = await db.PersonalAccessTokens.Where(t => t.UserId == userId && t.Id == tokenId && t.RevokedAt == null)
            .ExecuteUpdateAsync(setters => setters.SetProperty(t => t.RevokedAt, (DateTimeOffset?)now), cancellationToken);
        var token = await db.PersonalAccessTokens.AsNoTracking().SingleOrDefaultAsync(t => t.UserId == userId && t.Id == tokenId, cancellationToken);
        if (token is null)
        {
            return AccessTokenErrors.NotFound;
        }

        if (revoked == 1)
        {
            audit.Add(actor, token.WorkspaceId, AuditActions.AccessTokenRevoked, AuditTargets.ForAccessToken(token.Id, token.Name, token.Fingerprint), at: now);
            await db.SaveChangesAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return (await ListAsync(userId, cancellationToken)).Single(t => t.Id == tokenId);
    }

    /// <summary>
    /// Revokes every live token of an account, in the caller's transaction, and answers how many. For what must end
    /// all of an account's credentials at once (an address proven for the first time: pre-hijacking).
    /// </summary>
    public Task<int> RevokeAllAsync(Guid userId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNowForStorage();
        return db.PersonalAccessTokens.Where(t => t.UserId == userId && t.RevokedAt == null)
            .ExecuteUpdateAsync(setters => setters.SetProperty(t => t.RevokedAt, (DateTimeOffset?)now), cancellationToken);
    }

    /// <summary>
    /// The live token a secret belongs to, with the membership it acts with, or null: unknown, malformed, revoked,
    /// expired, a disabled creator, a creator no longer in the workspace, or one whose permission there no longer
    /// covers the token's (a lowered creator's token is refused, not quietly capped: its holder sees at once that it no
    /// longer does what it was made for). One indexed read by hash; "last used" is written only when older than
    /// <see cref="LastUsedPrecision"/>.
    /// </summary>
    public async Task<AuthenticatedAccessToken?> AuthenticateAsync(string secret, CancellationToken cancellationToken)
    {
        if (!secret.StartsWith(PersonalAccessToken.Prefix, StringComparison.Ordinal) || !SecretToken.HasValidShape(secret[PersonalAccessToken.Prefix.Length..]))
        {
            return null;
        }

        var now = time.GetUtcNowForStorage();
        var row = await LiveTokenByHash.For(db)(db, SecretToken.Hash(secret), now, cancellationToken);
        if (row is null)
        {
            return null;
        }

        var granted = new PermissionSnapshot(row.PermissionId, row.PermissionName, row.PermissionKind, row.PermissionGrants);
        var held = new PermissionSnapshot(row.HeldId, row.HeldName, row.HeldKind, row.HeldGrants);
        if (!PermissionEvaluator.Covers(held, granted, menus))
        {
            return null;
        }

        if (row.LastUsedAt is not { } lastUsed || now - lastUsed >= LastUsedPrecision)
        {
            var stale = now - LastUsedPrecision;
            await db.PersonalAccessTokens.Where(t => t.Id == row.Id && (t.LastUsedAt == null || t.LastUsedAt <= stale))
                .ExecuteUpdateAsync(setters => setters.SetProperty(t => t.LastUsedAt, now), cancellationToken);
        }

        return new AuthenticatedAccessToken(row.Id, new MemberAccess(row.WorkspaceId, row.UserId, granted));
    }

    private sealed record TokenRow(
        Guid Id, Guid UserId, Guid WorkspaceId, DateTimeOffset? LastUsedAt,
        Guid PermissionId, string PermissionName, PermissionKind PermissionKind, GrantSet PermissionGrants,
        Guid HeldId, string HeldName, PermissionKind HeldKind, GrantSet HeldGrants);
}
