using Roster.Features.Permissions;

namespace Roster.Features.Members;

/// <summary>A member as listed in Settings > Members and by the API.</summary>
public sealed record MemberResponse(
    Guid UserId,
    string Name,
    string Email,
    string Permission,
    Guid PermissionId,
    DateTimeOffset JoinedAt,
    string Source,
    Guid? InvitationLinkId,
    string? InvitationLinkFingerprint);

/// <summary>The body of <c>PATCH /api/v1/workspaces/{id}/members/{userId}</c>: a permission's name or id.</summary>
public sealed record ChangeMemberPermissionRequest(string? Permission);

/// <summary>A member as the service reads it: the permission as a snapshot the evaluator can read.</summary>
public sealed record MemberSummary(
    Guid UserId,
    string Name,
    string Email,
    PermissionSnapshot Permission,
    DateTimeOffset JoinedAt,
    MembershipSource Source,
    Guid? InvitationLinkId,
    string? InvitationLinkFingerprint)
{
    public MemberResponse ToResponse() => new(
        UserId, Name, Email, Permission.Name, Permission.Id, JoinedAt, Source.ToApiName(), InvitationLinkId, InvitationLinkFingerprint);
}

/// <summary>The current members who joined through one invitation link: the first few names, and how many in all.</summary>
public sealed record JoinedThroughLink(IReadOnlyList<string> Names, int Total);

public static class MembershipSourceNames
{
    public static string ToApiName(this MembershipSource source) => source switch
    {
        MembershipSource.CreatedWorkspace => "created_workspace",
        MembershipSource.InvitationLink => "invitation_link",
        MembershipSource.JoinRequest => "join_request",
        MembershipSource.CompanyDomain => "company_domain",
        MembershipSource.EmailInvitation => "email_invitation",
        _ => "unknown",
    };
}
