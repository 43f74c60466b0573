using Microsoft.AspNetCore.Http.HttpResults;
using Roster.Infrastructure.Authorization;
using Roster.Infrastructure.Errors;

namespace Roster.Features.AccessTokens;

/// <summary>
/// <c>/api/v1/me/tokens</c>: the caller's personal access tokens. Account routes: a personal access token itself is
/// refused here (403 <c>access_token.not_allowed</c>, by <see cref="AccessTokenScopeMiddleware"/>), so a leaked token
/// cannot mint more, list or revoke others.
/// </summary>
public static class AccessTokensApi
{
    public static RouteGroupBuilder MapAccessTokensApi(this RouteGroupBuilder api)
    {
        var tokens = api.MapGroup("/me/tokens").WithTags("Personal access tokens").RequireAuthorization();
        tokens.MapGet("/", ListAsync);
        tokens.MapPost("/", CreateAsync);
        tokens.MapDelete("/{tokenId:guid}", RevokeAsync);
        return api;
    }

    private static async Task<Ok<IReadOnlyList<AccessTokenResponse>>> ListAsync(
        HttpContext http, PersonalAccessTokenService tokens, CancellationToken cancellationToken) =>
        TypedResults.Ok(await tokens.ListAsync(http.User.UserId(), cancellationToken));

    private static async Task<Results<Created<CreatedAccessTokenResponse>, ProblemHttpResult>> CreateAsync(
        CreateAccessTokenRequest request, HttpContext http, PersonalAccessTokenService tokens, CancellationToken cancellationToken)
    {
        var result = await tokens.CreateAsync(Actor.From(http), request, cancellationToken);
        if (!result.IsSuccess)
        {
            return result.Error!.ToProblem();
        }

        // The only copy of the secret: kept out of every cache.
        http.Response.Headers.CacheControl = "no-store";
        var (token, secret, _, permissionName) = result.Value;
        return TypedResults.Created(
            $"/api/v1/me/tokens/{token.Id}",
            new CreatedAccessTokenResponse(
                token.Id, token.Name, token.Fingerprint, secret, token.WorkspaceId, permissionName, token.PermissionId, token.CreatedAt, token.ExpiresAt));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(
        Guid tokenId, HttpContext http, PersonalAccessTokenService tokens, CancellationToken cancellationToken)
    {
        var result = await tokens.RevokeAsync(Actor.From(http), tokenId, cancellationToken);
        return result.IsSuccess ? TypedResults.NoContent() : result.Error!.ToProblem();
    }
}
