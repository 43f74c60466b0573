namespace Roster.Features.Invitations;

/// <summary>The body of <c>POST /api/v1/workspaces/{id}/invitation-links</c>, also posted by the popup.</summary>
public sealed record CreateInvitationLinkRequest(string? Permission, int? ExpiresInDays = null, int? MaxUses = null, IReadOnlyList<string>? AllowedDomains = null);

/// <summary>Answered once, on creation: the only time the link's full URL is known to the server.</summary>
public sealed record CreatedInvitationLinkResponse(Guid Id, string Url, string Permission, DateTimeOffset ExpiresAt, int? MaxUses, int Uses);

public sealed record InvitationLinkResponse(
    Guid Id,
    string Fingerprint,
    string Permission,
    Guid CreatedBy,
    string CreatedByName,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    int? MaxUses,
    int Uses,
    IReadOnlyList<string> AllowedDomains,
    string Status,
    DateTimeOffset? RevokedAt);

public sealed record InvitationPreviewResponse(Guid WorkspaceId, string WorkspaceName, string Permission, DateTimeOffset ExpiresAt);

public sealed record AcceptInvitationResponse(Guid WorkspaceId, string WorkspaceName, string Permission);

public static class InvitationStatusNames
{
    public static string ToApiName(this InvitationLinkStatus status) => status switch
    {
        InvitationLinkStatus.Active => "active",
        InvitationLinkStatus.Expired => "expired",
        InvitationLinkStatus.Revoked => "revoked",
        InvitationLinkStatus.UsedUp => "used_up",
        _ => "unknown",
    };
}
