using Roster.Infrastructure.Text;

namespace Roster.Features.AccessTokens;

/// <summary>
/// The body of <c>POST /api/v1/me/tokens</c>: a name (1 to 80 characters), the workspace the token works in (one the
/// caller is a member of), the permission it acts with (by name, case-insensitive, or id; no higher than the caller's
/// own there) and its life in days (1 to 365).
/// </summary>
public sealed record CreateAccessTokenRequest(
    [property: StorableText(PersonalAccessToken.NameMaxLength)] string? Name,
    Guid? WorkspaceId,
    [property: StorableText(64)] string? Permission,
    int? ExpiresInDays);

/// <summary>A token as the person's list shows it: never its secret, only a fingerprint of its hash.</summary>
public sealed record AccessTokenResponse(
    Guid Id,
    string Name,
    string Fingerprint,
    Guid WorkspaceId,
    string WorkspaceName,
    string Permission,
    Guid PermissionId,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? LastUsedAt,
    DateTimeOffset? RevokedAt);

/// <summary>Answered once, on creation: <c>Token</c> is the secret (<c>roster_pat_...</c>), which is not stored and cannot be shown again.</summary>
public sealed record CreatedAccessTokenResponse(
    Guid Id,
    string Name,
    string Fingerprint,
    string Token,
    Guid WorkspaceId,
    string Permission,
    Guid PermissionId,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt);
