using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Roster.Infrastructure.Authorization;

namespace Roster.Features.AccessTokens;

/// <summary>
/// Authenticates <c>Authorization: Bearer roster_pat_...</c> as the token's creator in the token's workspace
/// (<see cref="AccessTokenPrincipal"/>). Every way a token can be dead (unknown, malformed, revoked, expired, its
/// creator disabled, no longer a member, or holding less than the token's permission) fails authentication the same
/// way (401), in one read. The membership it read (the token's permission) is handed to <see cref="WorkspaceAccess"/>,
/// so the workspace policies authorize the request without reading again, and only in that workspace.
/// </summary>
public sealed class PersonalAccessTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, PersonalAccessTokenService tokens, WorkspaceAccess access)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>Whether a request carries a personal access token rather than another bearer credential.</summary>
    public static bool CarriesAccessToken(HttpRequest request) =>
        request.Headers.Authorization.ToString() is var header
        && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
        && header.AsSpan(7).TrimStart().StartsWith(PersonalAccessToken.Prefix, StringComparison.Ordinal);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!CarriesAccessToken(Request))
        {
            return AuthenticateResult.NoResult();
        }

        var secret = Request.Headers.Authorization.ToString()[7..].Trim();
        var token = await tokens.AuthenticateAsync(secret, Context.RequestAborted);
        if (token is null)
        {
            return AuthenticateResult.Fail("Unknown, revoked or expired personal access token, or its creator no longer holds its permission.");
        }

        access.ScopeToAccessToken(token.Access);
        return AuthenticateResult.Success(new AuthenticationTicket(
            AccessTokenPrincipal.Create(token.Access.UserId, token.TokenId, token.Access.WorkspaceId), AccessTokenPrincipal.Scheme));
    }
}
