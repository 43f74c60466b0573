using Roster.Infrastructure.Text;

namespace Roster.Features.ApiKeys;

/// <summary>The body of <c>POST /api/v1/workspaces/{id}/api-keys</c>: a name of 1 to 80 characters.</summary>
public sealed record CreateApiKeyRequest([property: StorableText(ApiKey.NameMaxLength)] string? Name);

/// <summary>A key as Settings > API keys lists it: never its secret, only a fingerprint of its hash.</summary>
public sealed record ApiKeyResponse(
    Guid Id,
    string Name,
    string Fingerprint,
    Guid CreatedBy,
    string CreatedByName,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastUsedAt,
    DateTimeOffset? RevokedAt);

/// <summary>Answered once, on creation: <c>Key</c> is the secret (<c>roster_key_...</c>), which is not stored and cannot be shown again.</summary>
public sealed record CreatedApiKeyResponse(Guid Id, string Name, string Fingerprint, string Key, DateTimeOffset CreatedAt);
