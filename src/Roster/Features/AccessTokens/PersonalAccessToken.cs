using Roster.Infrastructure.Security;

namespace Roster.Features.AccessTokens;

/// <summary>
/// A person's credential for the API in one workspace (SPEC section 8): the secret (<c>roster_pat_</c> and 43
/// base64url characters, 256 bits from a CSPRNG) is shown once, to its creator; only its SHA-256 is stored. It acts
/// as its creator, in <see cref="WorkspaceId"/> only, with <see cref="PermissionId"/>, while the creator still holds
/// at least that permission there, until <see cref="ExpiresAt"/> or revocation.
/// </summary>
public sealed class PersonalAccessToken
{
    public const string Prefix = "roster_pat_";
    public const int NameMaxLength = 80;

    /// <summary>The longest life a token may be given, in days: no token lives forever.</summary>
    public const int MaxLifetimeDays = 365;

    private PersonalAccessToken()
    {
    }

    public PersonalAccessToken(Guid userId, Guid workspaceId, Guid permissionId, string name, string secretHash, DateTimeOffset createdAt, DateTimeOffset expiresAt)
    {
        Id = Guid.CreateVersion7(createdAt);
        UserId = userId;
        WorkspaceId = workspaceId;
        PermissionId = permissionId;
        Name = name;
        SecretHash = secretHash;
        CreatedAt = createdAt;
        ExpiresAt = expiresAt;
    }

    public Guid Id { get; private set; }

    /// <summary>The creator, whom the token acts as.</summary>
    public Guid UserId { get; private set; }

    public Guid WorkspaceId { get; private set; }

    /// <summary>The permission the token acts with: one of the workspace's, covered by the creator's own when created and on every use.</summary>
    public Guid PermissionId { get; private set; }

    public string Name { get; private set; } = "";

    /// <summary>Lowercase hex SHA-256 of the whole secret, prefix included.</summary>
    public string SecretHash { get; private set; } = "";

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>When the token stops working (UTC); always set.</summary>
    public DateTimeOffset ExpiresAt { get; private set; }

    /// <summary>When a request last authenticated with the token, to the minute (written at most once a minute).</summary>
    public DateTimeOffset? LastUsedAt { get; private set; }

    public DateTimeOffset? RevokedAt { get; private set; }

    public string Fingerprint => SecretToken.Fingerprint(SecretHash);
}
