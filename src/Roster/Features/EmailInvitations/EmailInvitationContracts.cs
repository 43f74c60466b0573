namespace Roster.Features.EmailInvitations;

/// <summary>
/// The body of <c>POST /api/v1/workspaces/{id}/email-invitations</c>, also posted by the popup's <c>Invite by email</c>
/// tab. <c>Emails</c>: 1 to <see cref="EmailInvitationOptions.MaxAddressesPerRequest"/> (50) addresses, each checked by
/// the one address rule (<c>EmailAddresses.Parse</c>); <c>Permission</c>: a permission's name (any letter case) or id.
/// </summary>
public sealed record SendEmailInvitationsRequest(IReadOnlyList<string?>? Emails, string? Permission);

/// <summary>
/// The answer to a batch: <c>Invited</c> (new invitations), <c>Renewed</c> (addresses that had a pending invitation:
/// new token, new expiry, new email), <c>AlreadyMembers</c> (addresses of accounts already in the workspace, not
/// invited), <c>Invalid</c> (each refused entry as given, with its reason). All valid ones were saved in one transaction.
/// </summary>
public sealed record SendEmailInvitationsResponse(
    IReadOnlyList<EmailInvitationResponse> Invited,
    IReadOnlyList<EmailInvitationResponse> Renewed,
    IReadOnlyList<string> AlreadyMembers,
    IReadOnlyList<InvalidEmailAddress> Invalid);

/// <summary>An entry of a batch that is not an address, as given (at most 254 characters of it) and why.</summary>
public sealed record InvalidEmailAddress(string Email, string Reason);

/// <summary>
/// An invitation as Settings and <c>GET .../email-invitations</c> list it. <c>Status</c>: <c>pending</c> or
/// <c>expired</c> (accepted and revoked ones are not listed; the audit log keeps them). <c>Permission</c> and
/// <c>PermissionId</c> are null once the permission is deleted. <c>Delivery</c> is the state of its last email.
/// </summary>
public sealed record EmailInvitationResponse(
    Guid Id,
    string Email,
    string? Permission,
    Guid? PermissionId,
    Guid InvitedBy,
    string InvitedByName,
    DateTimeOffset CreatedAt,
    DateTimeOffset SentAt,
    DateTimeOffset ExpiresAt,
    string Status,
    EmailDeliveryResponse Delivery);

/// <summary>
/// The delivery of an invitation's last email, from its outbox row. <c>Status</c>: <c>queued</c> (not tried yet),
/// <c>retrying</c> (a try failed, <c>LastError</c> says why; it will be tried again), <c>sent</c> (the mail server
/// accepted it at <c>SentAt</c>), <c>failed</c> (given up; <c>LastError</c>), <c>unknown</c> (the row is gone).
/// </summary>
public sealed record EmailDeliveryResponse(string Status, int Attempts, DateTimeOffset? SentAt, string? LastError);

/// <summary>What an email invitation grants and to which address, for its page and <c>GET /api/v1/email-invitations/{token}</c>.</summary>
public sealed record EmailInvitationPreviewResponse(
    Guid WorkspaceId, string WorkspaceName, string Email, string Permission, Guid PermissionId, DateTimeOffset ExpiresAt);

/// <summary>The stable wire names of <see cref="EmailInvitationStatus"/> and <see cref="EmailDeliveryStatus"/>.</summary>
public static class EmailInvitationStatusNames
{
    public static string ToApiName(this EmailInvitationStatus status) => status switch
    {
        EmailInvitationStatus.Pending => "pending",
        EmailInvitationStatus.Expired => "expired",
        EmailInvitationStatus.Revoked => "revoked",
        EmailInvitationStatus.Accepted => "accepted",
        _ => "unknown",
    };

    public static string ToApiName(this EmailDeliveryStatus status) => status switch
    {
        EmailDeliveryStatus.Queued => "queued",
        EmailDeliveryStatus.Retrying => "retrying",
        EmailDeliveryStatus.Sent => "sent",
        EmailDeliveryStatus.Failed => "failed",
        _ => "unknown",
    };
}

/// <summary>The delivery of an invitation's last email, read from its outbox row.</summary>
public enum EmailDeliveryStatus
{
    Unknown,
    Queued,
    Retrying,
    Sent,
    Failed,
}
