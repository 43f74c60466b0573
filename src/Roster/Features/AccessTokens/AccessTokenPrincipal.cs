using System.Security.Claims;

namespace Roster.Features.AccessTokens;

/// <summary>
/// The claims a personal access token authenticates as: its creator's user id (so the request acts as them), the
/// token's id and its workspace. Nothing else about the person (no security stamp: the token is checked against the
/// database on every request instead, see <see cref="PersonalAccessTokenService.AuthenticateAsync"/>).
/// </summary>
public static class AccessTokenPrincipal
{
    public const string Scheme = "PersonalAccessToken";
    public const string TokenIdClaim = "roster:pat";
    public const string WorkspaceIdClaim = "roster:pat_workspace";

    public static ClaimsPrincipal Create(Guid userId, Guid tokenId, Guid workspaceId) =>
        new(new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, userId.ToString()),
                new Claim(TokenIdClaim, tokenId.ToString()),
                new Claim(WorkspaceIdClaim, workspaceId.ToString()),
            ],
            Scheme));

    public static Guid? FindTokenId(ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(TokenIdClaim), out var id) ? id : null;

    /// <summary>The one workspace the token works in.</summary>
    public static Guid? FindWorkspaceId(ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(WorkspaceIdClaim), out var id) ? id : null;

    public static bool IsAccessToken(this ClaimsPrincipal principal) => FindTokenId(principal) is not null;
}
