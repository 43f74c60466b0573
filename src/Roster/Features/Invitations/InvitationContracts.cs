namespace Roster.Features.Invitations;

/// <summary>
/// The body of <c>POST /api/v1/workspaces/{id}/invitation-links</c>, also posted by the popup. <c>Permission</c>
/// is a permission's name (any letter case) or id; <c>ExpiresInDays</c> 1 to 30 (default 7); <c>MaxUses</c>
/// 1 to 10,000 or null for unlimited (an Admin link defaults to 1); <c>AllowedDomains</c> at most 20.
/// </summary>
public sealed record CreateInvitationLinkRequest(string? Permission, int? ExpiresInDays = null, int? MaxUses = null, IReadOnlyList<string>? AllowedDomains = null);

/// <summary>Answered once, on creation: the only time the link's full URL is known to the server.</summary>
public sealed record CreatedInvitationLinkResponse(Guid Id, string Url, string Permission, Guid PermissionId, DateTimeOffset ExpiresAt, int? MaxUses, int Uses);

/// <summary>
/// A link as Settings and <c>GET .../invitation-links</c> list it. <c>Status</c>: <c>active</c>, <c>expired</c>,
/// <c>revoked</c>, <c>used_up</c>, or <c>inactive</c> (its permission was deleted or its creator is no longer an
/// Admin, so it refuses everyone). <c>Permission</c> and <c>PermissionId</c> are null once the permission is deleted.
/// <c>RevokedBy</c> and <c>RevokedByName</c> say who revoked it (null while it is not revoked, or when that account is gone).
/// </summary>
public sealed record InvitationLinkResponse(
    Guid Id,
    string Fingerprint,
    string? Permission,
    Guid? PermissionId,
    Guid CreatedBy,
    string CreatedByName,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    int? MaxUses,
    int Uses,
    IReadOnlyList<string> AllowedDomains,
    string Status,
    DateTimeOffset? RevokedAt,
    Guid? RevokedBy = null,
    string? RevokedByName = null);

/// <summary>What a link grants, for its landing page and <c>GET /api/v1/invitations/{token}</c>.</summary>
public sealed record InvitationPreviewResponse(
    Guid WorkspaceId, string WorkspaceName, string Permission, Guid PermissionId, DateTimeOffset ExpiresAt, IReadOnlyList<string> AllowedDomains);

public sealed record AcceptInvitationResponse(Guid WorkspaceId, string WorkspaceName, string Permission, Guid PermissionId);

public static class InvitationStatusNames
{
    public static string ToApiName(this InvitationLinkStatus status) => status switch
    {
        InvitationLinkStatus.Active => "active",
        InvitationLinkStatus.Expired => "expired",
        InvitationLinkStatus.Revoked => "revoked",
        InvitationLinkStatus.UsedUp => "used_up",
        InvitationLinkStatus.Inactive => "inactive",
        _ => "unknown",
    };
}
