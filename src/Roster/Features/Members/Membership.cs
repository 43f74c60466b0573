namespace Roster.Features.Members;

/// <summary>A user's place in a workspace, with the permission that decides what they may do there.</summary>
public sealed class Membership
{
    private Membership()
    {
    }

    public Membership(Guid workspaceId, Guid userId, string permission, DateTimeOffset joinedAt, Guid? invitationLinkId = null)
    {
        WorkspaceId = workspaceId;
        UserId = userId;
        Permission = permission;
        JoinedAt = joinedAt;
        InvitationLinkId = invitationLinkId;
    }

    public Guid WorkspaceId { get; private set; }

    public Guid UserId { get; private set; }

    public string Permission { get; private set; } = "";

    public DateTimeOffset JoinedAt { get; private set; }

    /// <summary>The link this member joined through, if any (shown in Settings > Workspace).</summary>
    public Guid? InvitationLinkId { get; private set; }
}
