using Microsoft.EntityFrameworkCore;
using Roster.Features.Accounts;
using Roster.Features.Audit;
using Roster.Features.Plans;
using Roster.Infrastructure.Authorization;
using Roster.Infrastructure.Data;
using Roster.Infrastructure.Errors;
using Roster.Infrastructure.Security;
using Roster.Infrastructure.Text;

namespace Roster.Features.ApiKeys;

public static class ApiKeyErrors
{
    public static readonly Error NotFound = new("api_key.not_found", "No such API key in this workspace.", ErrorKind.NotFound);
}

/// <summary>
/// A key as the authentication handler reads it: one row, by the secret's hash, with its workspace's recorded plan
/// (joined in the same query) so that a key of a workspace whose plan lacks <c>api-keys</c> is refused without another read.
/// </summary>
public sealed record ApiKeyCredential(Guid Id, Guid WorkspaceId, DateTimeOffset? LastUsedAt, string WorkspacePlan);

public sealed record CreatedApiKey(ApiKey Key, string Secret);

/// <summary>Workspace API keys (Settings > API keys): create (shown once), list, revoke, and authenticate.</summary>
public sealed class ApiKeyService(RosterDbContext db, PlanService plans, AuditLog audit, TimeProvider time)
{
    /// <summary>How stale "last used" may get: it is written at most once per key in this time, so using a key costs no write.</summary>
    public static readonly TimeSpan LastUsedPrecision = TimeSpan.FromMinutes(1);

    /// <summary>The live (unrevoked) key with this hash: every request with a key reads it.</summary>
    private static readonly CompiledQuery<Func<RosterDbContext, string, CancellationToken, Task<ApiKeyCredential?>>> LiveKeyByHash = new(() =>
        EF.CompileAsyncQuery((RosterDbContext db, string hash, CancellationToken cancellationToken) =>
            db.ApiKeys
                .Where(k => k.SecretHash == hash && k.RevokedAt == null)
                .Join(db.Workspaces, k => k.WorkspaceId, w => w.Id, (k, w) => new ApiKeyCredential(k.Id, k.WorkspaceId, k.LastUsedAt, w.Plan))
                .SingleOrDefault()));

    /// <summary>
    /// Creates a key (its <c>api_key.created</c> entry in the same save). Errors: 403 <c>plan.feature_locked</c> (the
    /// plan lacks <c>api-keys</c>; listing and revoking stay allowed), <c>validation_failed</c> on <c>name</c>.
    /// </summary>
    public async Task<Result<CreatedApiKey>> CreateAsync(Actor actor, Guid workspaceId, CreateApiKeyRequest request, CancellationToken cancellationToken)
    {
        if (await plans.RequireAsync(workspaceId, PlanFeature.ApiKeys, cancellationToken) is { } locked)
        {
            return locked;
        }

        var name = (request.Name ?? "").Trim();
        if (name.Length == 0 || StorableText.Length(name) > ApiKey.NameMaxLength || name.Any(char.IsControl) || StorableText.Problem(name) is not null)
        {
            return Error.Validation("name", $"Give the key a name of 1 to {ApiKey.NameMaxLength} characters, such as the service that will use it.");
        }

        var secret = ApiKey.Prefix + SecretToken.Create();
        var key = new ApiKey(workspaceId, name, SecretToken.Hash(secret), actor.RequiredUserId, time.GetUtcNowForStorage());
        db.ApiKeys.Add(key);
        audit.Add(actor, workspaceId, AuditActions.ApiKeyCreated, AuditTargets.ForApiKey(key.Id, key.Name, key.Fingerprint), at: key.CreatedAt);
        await db.SaveChangesAsync(cancellationToken);
        return new CreatedApiKey(key, secret);
    }

    /// <summary>The workspace's keys, newest first, revoked ones included (for the record).</summary>
    public async Task<IReadOnlyList<ApiKeyResponse>> ListAsync(Guid workspaceId, Guid? keyId, CancellationToken cancellationToken)
    {
        var rows = await db.ApiKeys.AsNoTracking()
            .Where(k => k.WorkspaceId == workspaceId && (keyId == null || k.Id == keyId))
            .OrderByDescending(k => k.CreatedAt)
            .Select(k => new { Key = k, Creator = db.Users.Where(u => u.Id == k.CreatedByUserId).Select(u => new { u.Name, u.Email }).FirstOrDefault() })
            .ToListAsync(cancellationToken);
        return rows.Select(row => new ApiKeyResponse(
                row.Key.Id,
                row.Key.Name,
                row.Key.Fingerprint,
                row.Key.CreatedByUserId,
                row.Creator is null ? "A former user" : User.DisplayNameOf(row.Creator.Name, row.Creator.Email),
                row.Key.CreatedAt,
                row.Key.LastUsedAt,
                row.Key.RevokedAt))
            .ToList();
    }

    /// <summary>Revokes a key at once (its <c>api_key.revoked</c> entry in the same save): its next request is refused. Errors: 404 <c>api_key.not_found</c>.</summary>
    public async Task<Result<ApiKey>> RevokeAsync(Actor actor, Guid workspaceId, Guid keyId, CancellationToken cancellationToken)
    {
        // A conditional update: of two revocations at once, one changes the row and writes the entry, the other neither.
        var now = time.GetUtcNowForStorage();
        var byUserId = actor.RequiredUserId;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var revoked = await db.ApiKeys.Where(k => k.WorkspaceId == workspaceId && k.Id == keyId && k.RevokedAt == null)
            .ExecuteUpdateAsync(
                setters => setters.SetProperty(k => k.RevokedAt, (DateTimeOffset?)now).SetProperty(k => k.RevokedByUserId, (Guid?)byUserId),
                cancellationToken);
        var key = await db.ApiKeys.AsNoTracking().SingleOrDefaultAsync(k => k.WorkspaceId == workspaceId && k.Id == keyId, cancellationToken);
        if (key is null)
        {
            return ApiKeyErrors.NotFound;
        }

        if (revoked == 1)
        {
            audit.Add(actor, workspaceId, AuditActions.ApiKeyRevoked, AuditTargets.ForApiKey(key.Id, key.Name, key.Fingerprint), at: now);
            await db.SaveChangesAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return key;
    }

    /// <summary>
    /// The live key a secret belongs to, with its workspace's plan, or null (unknown, malformed or revoked: the same
    /// answer). One indexed read by hash; "last used" is written only when it is older than <see cref="LastUsedPrecision"/>.
    /// Whether the plan still includes API keys is the caller's to decide (<c>ApiKeyScopeMiddleware</c>).
    /// </summary>
    public async Task<ApiKeyCredential?> AuthenticateAsync(string secret, CancellationToken cancellationToken)
    {
        if (!secret.StartsWith(ApiKey.Prefix, StringComparison.Ordinal) || !SecretToken.HasValidShape(secret[ApiKey.Prefix.Length..]))
        {
            return null;
        }

        // A request with a key reads again (the authorization API reads the asked-about members): the connection
        // stays open for the request instead of being opened for each read; the context closes it when the request
        // ends (it is pooled, and reset then).
        await db.Database.OpenConnectionAsync(cancellationToken);
        var key = await LiveKeyByHash.For(db)(db, SecretToken.Hash(secret), cancellationToken);
        if (key is null)
        {
            return null;
        }

        var now = time.GetUtcNowForStorage();
        if (key.LastUsedAt is not { } lastUsed || now - lastUsed >= LastUsedPrecision)
        {
            var stale = now - LastUsedPrecision;
            await db.ApiKeys.Where(k => k.Id == key.Id && (k.LastUsedAt == null || k.LastUsedAt <= stale))
                .ExecuteUpdateAsync(setters => setters.SetProperty(k => k.LastUsedAt, now), cancellationToken);
        }

        return key;
    }
}
