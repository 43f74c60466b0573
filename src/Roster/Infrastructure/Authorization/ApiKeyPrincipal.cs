using System.Security.Claims;

namespace Roster.Infrastructure.Authorization;

/// <summary>
/// The claims a workspace API key authenticates as: the key's id, its workspace and the workspace's recorded plan (as
/// read with the key, for the plan's feature lock). No user id, so nothing that needs a person (the default policy
/// requires one) accepts an API key.
/// </summary>
public static class ApiKeyPrincipal
{
    public const string Scheme = "ApiKey";
    public const string KeyIdClaim = "roster:api_key";
    public const string WorkspaceIdClaim = "roster:workspace";
    public const string WorkspacePlanClaim = "roster:workspace_plan";

    public static ClaimsPrincipal Create(Guid keyId, Guid workspaceId, string workspacePlan) =>
        new(new ClaimsIdentity(
            [new Claim(KeyIdClaim, keyId.ToString()), new Claim(WorkspaceIdClaim, workspaceId.ToString()), new Claim(WorkspacePlanClaim, workspacePlan)],
            Scheme));

    /// <summary>The key's workspace's plan as recorded when the key was read (this request).</summary>
    public static string? FindWorkspacePlan(ClaimsPrincipal principal) => principal.FindFirstValue(WorkspacePlanClaim);

    public static Guid? FindKeyId(ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(KeyIdClaim), out var id) ? id : null;

    public static Guid? FindWorkspaceId(ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(WorkspaceIdClaim), out var id) ? id : null;

    public static bool IsApiKey(this ClaimsPrincipal principal) => FindKeyId(principal) is not null;
}
