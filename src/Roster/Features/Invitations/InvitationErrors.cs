using Roster.Infrastructure.Errors;

namespace Roster.Features.Invitations;

public static class InvitationErrors
{
    // Unknown and malformed tokens get the same answer, which names no workspace.
    public static readonly Error NotFound = new("invitation.not_found", "This invitation link is not valid.", ErrorKind.NotFound);
    public static readonly Error Expired = new("invitation.expired", "This invitation link has expired.", ErrorKind.Gone);
    public static readonly Error Revoked = new("invitation.revoked", "This invitation link was revoked by an Admin.", ErrorKind.Gone);
    public static readonly Error UsedUp = new("invitation.used_up", "This invitation link has been used the maximum number of times.", ErrorKind.Gone);
    public static readonly Error AlreadyMember = new("invitation.already_member", "You are already a member of this workspace.", ErrorKind.Conflict);
    public static readonly Error DomainNotAllowed = new("invitation.domain_not_allowed", "This invitation link is limited to other email domains.", ErrorKind.Forbidden);
    public static readonly Error EmailUnverified = new("invitation.email_unverified", "Verify your email address before using a link limited to email domains.", ErrorKind.Forbidden);
    public static readonly Error PermissionRemoved = new(
        "invitation.permission_removed", "The permission this link grants was deleted by an Admin.", ErrorKind.Gone);

    // SPEC section 3: a link cannot outlive its creator's rights.
    public static readonly Error CreatorLostRights = new(
        "invitation.creator_lost_rights", "The person who created this link can no longer invite people to the workspace.", ErrorKind.Gone);

    public static readonly Error LinkNotFound = new("invitation_link.not_found", "No such invitation link in this workspace.", ErrorKind.NotFound);

    public static Error ForStatus(InvitationLinkStatus status) => status switch
    {
        InvitationLinkStatus.Expired => Expired,
        InvitationLinkStatus.Revoked => Revoked,
        InvitationLinkStatus.UsedUp => UsedUp,
        InvitationLinkStatus.Inactive => CreatorLostRights,
        _ => NotFound,
    };
}
