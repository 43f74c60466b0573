using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics;
using Roster.Infrastructure.Errors;

namespace Roster.Infrastructure.Authorization;

/// <summary>
/// A workspace API key is for its workspace's authorization API and nothing else (SPEC sections 3 and 8). Routes that
/// require authorization already refuse it: the default policy needs a person, and the workspace policies answer
/// 403 <c>api_key.not_allowed</c> (404 on another workspace's routes, as for anyone outside it). This refuses it where
/// no policy runs: the API's anonymous routes (register, login, the invitation preview, ...) and every page, where a
/// key would otherwise pass for a signed-in visitor (the sign-in page sends a signed-in visitor on to the dashboard).
/// A key sent where it is not accepted is a client's mistake with a secret, so it is refused rather than ignored.
/// Runs after authentication and before authorization.
/// </summary>
public sealed class ApiKeyScopeMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        // The status code pages re-execute the pipeline to render a refusal's error page: let that render.
        if (context.User.IsApiKey() && context.Features.Get<IStatusCodeReExecuteFeature>() is null)
        {
            var endpoint = context.GetEndpoint();
            var api = context.Request.Path.StartsWithSegments("/api");
            var open = endpoint is not null
                && (endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null || endpoint.Metadata.GetMetadata<IAuthorizeData>() is null);
            if (!api)
            {
                // Pages: the status code pages render the friendly "Not allowed" page.
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return;
            }

            if (open)
            {
                await ProblemResults.Problem(StatusCodes.Status403Forbidden, WorkspaceAuthorizationHandler.ApiKeyNotAllowedReason, WorkspaceAuthorizationHandler.ApiKeyNotAllowedTitle)
                    .ExecuteAsync(context);
                return;
            }
        }

        await next(context);
    }
}
