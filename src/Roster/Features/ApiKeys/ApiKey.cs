using Roster.Infrastructure.Security;

namespace Roster.Features.ApiKeys;

/// <summary>
/// A workspace's credential for the dashboard's other services, which call the authorization API with it.
/// The secret (<c>roster_key_</c> and 43 base64url characters, 256 bits from a CSPRNG) is shown once, to the
/// Admin who created it; only its SHA-256 is stored.
/// </summary>
public sealed class ApiKey
{
    public const string Prefix = "roster_key_";
    public const int NameMaxLength = 80;

    private ApiKey()
    {
    }

    public ApiKey(Guid workspaceId, string name, string secretHash, Guid createdByUserId, DateTimeOffset createdAt)
    {
        Id = Guid.CreateVersion7(createdAt);
        WorkspaceId = workspaceId;
        Name = name;
        SecretHash = secretHash;
        CreatedByUserId = createdByUserId;
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }

    public Guid WorkspaceId { get; private set; }

    public string Name { get; private set; } = "";

    /// <summary>Lowercase hex SHA-256 of the whole secret, prefix included.</summary>
    public string SecretHash { get; private set; } = "";

    public Guid CreatedByUserId { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>When a request last authenticated with the key, to the minute (written at most once a minute).</summary>
    public DateTimeOffset? LastUsedAt { get; private set; }

    public DateTimeOffset? RevokedAt { get; private set; }

    public Guid? RevokedByUserId { get; private set; }

    public string Fingerprint => SecretToken.Fingerprint(SecretHash);

}
