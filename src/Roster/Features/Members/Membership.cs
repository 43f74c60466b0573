namespace Roster.Features.Members;

/// <summary>How a membership came to be; shown in Settings and kept for the audit log.</summary>
public enum MembershipSource
{
    /// <summary>The person created the workspace.</summary>
    CreatedWorkspace = 0,

    /// <summary>Joined through an invitation link (<see cref="Membership.InvitationLinkId"/> names it while it exists).</summary>
    InvitationLink = 1,

    /// <summary>An Admin approved the person's request to join (SPEC section 5).</summary>
    JoinRequest = 2,

    /// <summary>Joined automatically: a verified email on the workspace's company domain, under the automatic join policy.</summary>
    CompanyDomain = 3,

    /// <summary>Accepted an email invitation sent to their verified address (SPEC section 4).</summary>
    EmailInvitation = 4,
}

/// <summary>
/// A user's place in a workspace, with the permission that decides what they may do there. Written only by
/// <see cref="MemberService"/>, which keeps the workspace's member count and the last-Admin rule.
/// </summary>
public sealed class Membership
{
    private Membership()
    {
    }

    internal Membership(Guid workspaceId, Guid userId, Guid permissionId, MembershipSource source, DateTimeOffset joinedAt, Guid? invitationLinkId)
    {
        WorkspaceId = workspaceId;
        UserId = userId;
        PermissionId = permissionId;
        Source = source;
        JoinedAt = joinedAt;
        InvitationLinkId = invitationLinkId;
    }

    public Guid WorkspaceId { get; private set; }

    public Guid UserId { get; private set; }

    /// <summary>The permission the member holds: its id, so renaming the permission changes nothing here.</summary>
    public Guid PermissionId { get; private set; }

    public MembershipSource Source { get; private set; }

    public DateTimeOffset JoinedAt { get; private set; }

    /// <summary>The link this member joined through, if any (shown in Settings > Workspace).</summary>
    public Guid? InvitationLinkId { get; private set; }

    /// <summary>
    /// When the member dismissed the dashboard's "Get started" card in this workspace (UTC); null while it may show.
    /// A personal preference, the one column of a membership written outside <see cref="MemberService"/>
    /// (<c>OnboardingService</c>): it changes neither who belongs nor what they may do.
    /// </summary>
    public DateTimeOffset? OnboardingDismissedAt { get; private set; }

    /// <summary>
    /// When this member (an Admin) turned off the emails that tell them someone asked to join or joined (UTC); null
    /// while they get them. A personal preference written outside <see cref="MemberService"/>, like
    /// <see cref="OnboardingDismissedAt"/> (<c>JoinRequests/JoinNoticeSettings</c>): it changes no access.
    /// </summary>
    public DateTimeOffset? JoinNoticesOffAt { get; private set; }
}
