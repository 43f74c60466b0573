namespace Roster.Features.Audit;

/// <summary>
/// The kinds of thing an entry is about, and how each is named: a member by user id with their email, a permission
/// by id with its name, a link by id with its fingerprint (never its token), a key by id with its name and
/// fingerprint (never its secret), a workspace by id with its name.
/// </summary>
public static class AuditTargets
{
    public const string Workspace = "workspace";
    public const string Member = "member";
    public const string Permission = "permission";
    public const string InvitationLink = "invitation_link";
    public const string ApiKey = "api_key";
    public const string AccessToken = "personal_access_token";

    public static AuditTarget ForMember(Guid userId, string? email) => new(Member, userId.ToString(), email);

    public static AuditTarget ForPermission(Guid permissionId, string name) => new(Permission, permissionId.ToString(), name);

    /// <summary>A link by its id and fingerprint: the fingerprint tells links apart in a list and cannot be used to join.</summary>
    public static AuditTarget ForLink(Guid linkId, string fingerprint) => new(InvitationLink, linkId.ToString(), $"Link {fingerprint}");

    /// <summary>A key by its id, name and fingerprint: the fingerprint is not the secret and cannot authenticate.</summary>
    public static AuditTarget ForApiKey(Guid keyId, string name, string fingerprint) => new(ApiKey, keyId.ToString(), $"{name} ({fingerprint})");

    /// <summary>A personal access token by its id, name and fingerprint (never the secret).</summary>
    public static AuditTarget ForAccessToken(Guid tokenId, string name, string fingerprint) => new(AccessToken, tokenId.ToString(), $"{name} ({fingerprint})");
}
