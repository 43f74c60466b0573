using Roster.Infrastructure.Security;

namespace Roster.Features.Invitations;

/// <summary>
/// A shareable link that lets whoever opens it join a workspace with a permission. Only the SHA-256 of the
/// link's token is stored; the token itself is shown once, to the Admin who created the link.
/// </summary>
public sealed class InvitationLink
{
    /// <summary>The size of the <see cref="AllowedDomains"/> column: the domains joined with commas.</summary>
    public const int AllowedDomainsMaxLength = 2048;

    private InvitationLink()
    {
    }

    public InvitationLink(
        Guid workspaceId,
        string tokenHash,
        Guid permissionId,
        Guid createdByUserId,
        DateTimeOffset createdAt,
        DateTimeOffset expiresAt,
        int? maxUses,
        IReadOnlyList<string> allowedDomains)
    {
        Id = Guid.CreateVersion7(createdAt);
        WorkspaceId = workspaceId;
        TokenHash = tokenHash;
        PermissionId = permissionId;
        CreatedByUserId = createdByUserId;
        CreatedAt = createdAt;
        ExpiresAt = expiresAt;
        MaxUses = maxUses;
        AllowedDomains = string.Join(',', allowedDomains);
    }

    public Guid Id { get; private set; }

    public Guid WorkspaceId { get; private set; }

    public string TokenHash { get; private set; } = "";

    /// <summary>
    /// The permission the link grants. Null once an Admin deleted that permission: the link then refuses everyone
    /// (<c>invitation.permission_removed</c>) rather than grant something else.
    /// </summary>
    public Guid? PermissionId { get; private set; }

    public Guid CreatedByUserId { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset ExpiresAt { get; private set; }

    /// <summary>How many people may join through the link; null is unlimited.</summary>
    public int? MaxUses { get; private set; }

    /// <summary>Incremented only by the conditional update in the accept transaction, never read-modify-write.</summary>
    public int Uses { get; private set; }

    /// <summary>Lowercase domains, comma separated; empty allows every address.</summary>
    public string AllowedDomains { get; private set; } = "";

    public DateTimeOffset? RevokedAt { get; private set; }

    public Guid? RevokedByUserId { get; private set; }

    public IReadOnlyList<string> AllowedDomainList =>
        AllowedDomains.Length == 0 ? [] : AllowedDomains.Split(',');

    public string Fingerprint => SecretToken.Fingerprint(TokenHash);

    public InvitationLinkStatus StatusAt(DateTimeOffset now) =>
        RevokedAt is not null ? InvitationLinkStatus.Revoked
        : ExpiresAt <= now ? InvitationLinkStatus.Expired
        : MaxUses is { } max && Uses >= max ? InvitationLinkStatus.UsedUp
        : InvitationLinkStatus.Active;

    public bool AllowsEmail(string email)
    {
        if (AllowedDomains.Length == 0)
        {
            return true;
        }

        var at = email.LastIndexOf('@');
        var domain = at < 0 ? "" : email[(at + 1)..].ToLowerInvariant();
        return AllowedDomainList.Contains(domain, StringComparer.Ordinal);
    }

}

public enum InvitationLinkStatus
{
    Active,
    Expired,
    Revoked,
    UsedUp,

    /// <summary>Its permission was deleted, or its creator is no longer an Admin: it refuses everyone (SPEC section 3).</summary>
    Inactive,
}
