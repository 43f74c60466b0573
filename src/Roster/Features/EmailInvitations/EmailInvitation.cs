using Roster.Infrastructure.Security;

namespace Roster.Features.EmailInvitations;

/// <summary>
/// An invitation sent to one email address (SPEC section 4, email invitations): single use, accepted only by an account
/// whose verified email is <see cref="Email"/>, expiring after <see cref="EmailInvitationOptions.ExpiryDays"/> days. A
/// workspace holds at most one row per address (a unique key on the normalised address): inviting the address again
/// renews that row (new token, new expiry, new email) rather than adding another, so there is never more than one live
/// link per person. Only the SHA-256 of the token is stored; the token itself exists only in the email.
/// </summary>
public sealed class EmailInvitation
{
    private EmailInvitation()
    {
    }

    internal EmailInvitation(Guid workspaceId, string email, string normalizedEmail, DateTimeOffset createdAt)
    {
        Id = Guid.CreateVersion7(createdAt);
        WorkspaceId = workspaceId;
        Email = email;
        NormalizedEmail = normalizedEmail;
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }

    public Guid WorkspaceId { get; private set; }

    /// <summary>The address as the Admin typed it (trimmed), where the email goes.</summary>
    public string Email { get; private set; } = "";

    /// <summary>The address as Identity normalises it (<c>ILookupNormalizer</c>), compared with an account's normalised email.</summary>
    public string NormalizedEmail { get; private set; } = "";

    /// <summary>
    /// The permission the invitation grants. Null once an Admin deleted that permission: the invitation then refuses
    /// everyone (<c>email_invitation.permission_removed</c>) rather than grant something else.
    /// </summary>
    public Guid? PermissionId { get; private set; }

    /// <summary>Lowercase hex SHA-256 of the current token (<see cref="SecretToken.Hash"/>); a renewal replaces it.</summary>
    public string TokenHash { get; private set; } = "";

    /// <summary>The Admin who sent it last (a renewal or resend makes them the sender).</summary>
    public Guid CreatedByUserId { get; private set; }

    /// <summary>When it was first sent (UTC).</summary>
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>When it was last sent (UTC): the first send, a renewal or a resend.</summary>
    public DateTimeOffset SentAt { get; private set; }

    /// <summary>Seven days after <see cref="SentAt"/> (UTC).</summary>
    public DateTimeOffset ExpiresAt { get; private set; }

    public DateTimeOffset? RevokedAt { get; private set; }

    public Guid? RevokedByUserId { get; private set; }

    public DateTimeOffset? AcceptedAt { get; private set; }

    public Guid? AcceptedByUserId { get; private set; }

    /// <summary>The outbox row of the last email sent for it (<c>OutboxMessage</c>), for its delivery status.</summary>
    public Guid? OutboxMessageId { get; private set; }

    public string Fingerprint => SecretToken.Fingerprint(TokenHash);

    public EmailInvitationStatus StatusAt(DateTimeOffset now) =>
        AcceptedAt is not null ? EmailInvitationStatus.Accepted
        : RevokedAt is not null ? EmailInvitationStatus.Revoked
        : ExpiresAt <= now ? EmailInvitationStatus.Expired
        : EmailInvitationStatus.Pending;

    /// <summary>
    /// Sends it (again): a new token, a new expiry and a new sender, and it is live again (a revoked, accepted or expired
    /// invitation of the same address is reused, so the workspace keeps one row per address).
    /// </summary>
    internal void Send(string tokenHash, Guid permissionId, Guid byUserId, DateTimeOffset now, DateTimeOffset expiresAt, Guid outboxMessageId)
    {
        TokenHash = tokenHash;
        PermissionId = permissionId;
        CreatedByUserId = byUserId;
        SentAt = now;
        ExpiresAt = expiresAt;
        RevokedAt = null;
        RevokedByUserId = null;
        AcceptedAt = null;
        AcceptedByUserId = null;
        OutboxMessageId = outboxMessageId;
    }
}

/// <summary>Where an email invitation stands.</summary>
public enum EmailInvitationStatus
{
    Pending,
    Expired,
    Revoked,
    Accepted,
}
