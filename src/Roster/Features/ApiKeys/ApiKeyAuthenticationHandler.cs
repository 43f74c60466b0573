using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Roster.Infrastructure.Authorization;

namespace Roster.Features.ApiKeys;

/// <summary>
/// Authenticates <c>Authorization: Bearer roster_key_...</c> as the key's workspace (<see cref="ApiKeyPrincipal"/>).
/// An unknown or revoked key fails authentication (401), with the same answer for both. A key of a workspace whose plan
/// lacks API keys authenticates (it is the workspace's own) and carries the plan, so that <see cref="ApiKeyScopeMiddleware"/>
/// answers 403 <c>plan.feature_locked</c> rather than a 401 that would read as a wrong secret.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyService keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>Whether a request carries an API key rather than a user's bearer token.</summary>
    public static bool CarriesApiKey(HttpRequest request) =>
        request.Headers.Authorization.ToString() is var header
        && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
        && header.AsSpan(7).TrimStart().StartsWith(Features.ApiKeys.ApiKey.Prefix, StringComparison.Ordinal);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!CarriesApiKey(Request))
        {
            return AuthenticateResult.NoResult();
        }

        var secret = Request.Headers.Authorization.ToString()[7..].Trim();
        var key = await keys.AuthenticateAsync(secret, Context.RequestAborted);
        return key is null
            ? AuthenticateResult.Fail("Unknown or revoked API key.")
            : AuthenticateResult.Success(new AuthenticationTicket(ApiKeyPrincipal.Create(key.Id, key.WorkspaceId, key.WorkspacePlan), ApiKeyPrincipal.Scheme));
    }
}
