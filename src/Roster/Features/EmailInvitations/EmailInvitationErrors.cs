using Roster.Infrastructure.Errors;

namespace Roster.Features.EmailInvitations;

/// <summary>The stable codes of email invitations (problem+json <c>code</c>).</summary>
public static class EmailInvitationErrors
{
    // Unknown and malformed tokens get the same answer, which names no workspace and no address.
    public static readonly Error NotFound = new("email_invitation.not_found", "This invitation is not valid.", ErrorKind.NotFound);
    public static readonly Error Expired = new("email_invitation.expired", "This invitation has expired.", ErrorKind.Gone);
    public static readonly Error Revoked = new("email_invitation.revoked", "This invitation was revoked by an Admin.", ErrorKind.Gone);
    public static readonly Error Used = new("email_invitation.used", "This invitation has already been accepted.", ErrorKind.Gone);
    public static readonly Error PermissionRemoved = new(
        "email_invitation.permission_removed", "The permission this invitation grants was deleted by an Admin.", ErrorKind.Gone);

    public static readonly Error CreatorLostRights = new(
        "email_invitation.creator_lost_rights", "The person who sent this invitation can no longer invite people to the workspace.", ErrorKind.Gone);

    public static readonly Error WrongAccount = new(
        "email_invitation.wrong_account", "This invitation is for another email address. Sign in with that address to accept it.", ErrorKind.Forbidden);

    public static readonly Error EmailUnverified = new(
        "email_invitation.email_unverified", "Verify your email address before accepting this invitation.", ErrorKind.Forbidden);

    public static readonly Error AlreadyMember = new("email_invitation.already_member", "You are already a member of this workspace.", ErrorKind.Conflict);

    /// <summary>An invitation id that is not one of the workspace's.</summary>
    public static readonly Error InvitationNotFound = new("email_invitation.not_found", "No such email invitation in this workspace.", ErrorKind.NotFound);

    /// <summary>Resend or revoke of an invitation that was accepted or revoked.</summary>
    public static readonly Error NotPending = new("email_invitation.not_pending", "This invitation was already accepted or revoked.", ErrorKind.Conflict);

    /// <summary>The sender's budget in the workspace is spent (<see cref="EmailInvitationSendLimiter"/>): 429 at the API's edge.</summary>
    public static readonly Error RateLimited = new("rate_limited", "You sent many invitations in the last minute. Wait a moment, then send again.", ErrorKind.Conflict);

    public static Error ForStatus(EmailInvitationStatus status) => status switch
    {
        EmailInvitationStatus.Expired => Expired,
        EmailInvitationStatus.Revoked => Revoked,
        EmailInvitationStatus.Accepted => Used,
        _ => NotFound,
    };
}
