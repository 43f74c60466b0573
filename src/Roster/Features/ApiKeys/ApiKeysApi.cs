using Microsoft.AspNetCore.Http.HttpResults;
using Roster.Infrastructure.Authorization;
using Roster.Infrastructure.Errors;

namespace Roster.Features.ApiKeys;

public static class ApiKeysApi
{
    public static RouteGroupBuilder MapApiKeysApi(this RouteGroupBuilder api)
    {
        var keys = api.MapGroup("/workspaces/{workspaceId}/api-keys").WithTags("API keys")
            .RequireAuthorization(WorkspacePolicies.Admin);
        keys.MapGet("/", ListAsync);
        keys.MapPost("/", CreateAsync);
        keys.MapGet("/{keyId:guid}", GetAsync);
        keys.MapDelete("/{keyId:guid}", RevokeAsync);
        return api;
    }

    private static async Task<Ok<IReadOnlyList<ApiKeyResponse>>> ListAsync(
        Guid workspaceId, ApiKeyService keys, CancellationToken cancellationToken) =>
        TypedResults.Ok(await keys.ListAsync(workspaceId, keyId: null, cancellationToken));

    private static async Task<Results<Ok<ApiKeyResponse>, ProblemHttpResult>> GetAsync(
        Guid workspaceId, Guid keyId, ApiKeyService keys, CancellationToken cancellationToken) =>
        (await keys.ListAsync(workspaceId, keyId, cancellationToken)) is [var key]
            ? TypedResults.Ok(key)
            : ApiKeyErrors.NotFound.ToProblem();

    private static async Task<Results<Created<CreatedApiKeyResponse>, ProblemHttpResult>> CreateAsync(
        Guid workspaceId, CreateApiKeyRequest request, HttpContext http, ApiKeyService keys, CancellationToken cancellationToken)
    {
        var result = await keys.CreateAsync(Actor.From(http), workspaceId, request, cancellationToken);
        if (!result.IsSuccess)
        {
            return result.Error!.ToProblem();
        }

        var (key, secret) = result.Value;
        return TypedResults.Created(
            $"/api/v1/workspaces/{workspaceId}/api-keys/{key.Id}", new CreatedApiKeyResponse(key.Id, key.Name, key.Fingerprint, secret, key.CreatedAt));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(
        Guid workspaceId, Guid keyId, HttpContext http, ApiKeyService keys, CancellationToken cancellationToken)
    {
        var result = await keys.RevokeAsync(Actor.From(http), workspaceId, keyId, cancellationToken);
        return result.IsSuccess ? TypedResults.NoContent() : result.Error!.ToProblem();
    }
}
