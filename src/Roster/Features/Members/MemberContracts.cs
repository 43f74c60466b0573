namespace Roster.Features.Members;

/// <summary>A member as listed in Settings > Workspace and by the API.</summary>
public sealed record MemberResponse(
    Guid UserId,
    string Name,
    string Email,
    string Permission,
    DateTimeOffset JoinedAt,
    Guid? InvitationLinkId,
    string? InvitationLinkFingerprint);
