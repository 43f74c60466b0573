namespace Roster.Features.Audit;

/// <summary>The actions the audit log records (SPEC section 7), by their stable names.</summary>
public static class AuditActions
{
    public const string WorkspaceCreated = "workspace.created";
    public const string WorkspaceRenamed = "workspace.renamed";
    public const string WorkspaceDeleted = "workspace.deleted";
    public const string InvitationLinkCreated = "invitation_link.created";
    public const string InvitationLinkRevoked = "invitation_link.revoked";
    public const string InvitationAccepted = "invitation.accepted";
    public const string InvitationRefused = "invitation.refused";
    public const string EmailInvitationSent = "email_invitation.sent";
    public const string EmailInvitationRevoked = "email_invitation.revoked";
    public const string MemberPermissionChanged = "member.permission_changed";
    public const string MemberRemoved = "member.removed";
    public const string MemberLeft = "member.left";
    public const string PermissionCreated = "permission.created";
    public const string PermissionUpdated = "permission.updated";
    public const string PermissionDeleted = "permission.deleted";
    public const string JoinRequestApproved = "join_request.approved";
    public const string JoinRequestDeclined = "join_request.declined";

    /// <summary>The company domain, join policy or auto-join permission changed (details: "old → new" of each).</summary>
    public const string WorkspaceJoinSettingsChanged = "workspace.join_settings_changed";

    /// <summary>Someone joined by themselves through the company domain, under the automatic join policy.</summary>
    public const string MemberJoinedByDomain = "member.joined_by_domain";
    public const string PlanChanged = "plan.changed";
    public const string ApiKeyCreated = "api_key.created";
    public const string ApiKeyRevoked = "api_key.revoked";
    public const string AccessTokenCreated = "personal_access_token.created";
    public const string AccessTokenRevoked = "personal_access_token.revoked";

    // An account's own events (SPEC section 7: "recorded per account").
    public const string SignInSucceeded = "sign_in.succeeded";
    public const string SignInFailed = "sign_in.failed";
    public const string SignInLockedOut = "sign_in.locked_out";

    // The operator's changes to an account (recorded on the account, like sign-ins).
    public const string AccountDisabled = "account.disabled";
    public const string AccountEnabled = "account.enabled";

    /// <summary>The account's address was proven for the first time (<c>AddressProof</c>); details name the method.</summary>
    public const string AccountAddressProven = "account.address_proven";

    /// <summary>The workspace actions, in the order the dashboard's filter lists them.</summary>
    public static IReadOnlyList<string> Workspace { get; } =
    [
        WorkspaceCreated, WorkspaceRenamed, WorkspaceDeleted, InvitationLinkCreated, InvitationLinkRevoked,
        InvitationAccepted, InvitationRefused, EmailInvitationSent, EmailInvitationRevoked, MemberPermissionChanged,
        MemberRemoved, MemberLeft, PermissionCreated, PermissionUpdated, PermissionDeleted, JoinRequestApproved,
        JoinRequestDeclined, PlanChanged, ApiKeyCreated, ApiKeyRevoked, AccessTokenCreated, AccessTokenRevoked,
        WorkspaceJoinSettingsChanged, MemberJoinedByDomain,
    ];

    /// <summary>The account actions.</summary>
    public static IReadOnlyList<string> Account { get; } = [SignInSucceeded, SignInFailed, SignInLockedOut, AccountDisabled, AccountEnabled, AccountAddressProven];
}
