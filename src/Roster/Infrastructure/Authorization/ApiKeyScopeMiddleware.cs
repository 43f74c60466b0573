using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics;
using Roster.Features.Plans;
using Roster.Infrastructure.Errors;

namespace Roster.Infrastructure.Authorization;

/// <summary>
/// A workspace API key is for its workspace's authorization API and nothing else (SPEC sections 3 and 8). Routes that
/// require authorization already refuse it: the default policy needs a person, and the workspace policies answer
/// 403 <c>api_key.not_allowed</c> (404 on another workspace's routes, as for anyone outside it). This refuses it where
/// no policy runs: the API's anonymous routes (register, login, the invitation preview, ...) and every page, where a
/// key would otherwise pass for a signed-in visitor (the sign-in page sends a signed-in visitor on to the dashboard).
/// A key sent where it is not accepted is a client's mistake with a secret, so it is refused rather than ignored.
/// A key of a workspace whose plan lacks API keys (SPEC section 6) is refused everywhere with 403
/// <c>plan.feature_locked</c>: the key stays listed and revocable, and works again once the plan includes API keys.
/// Runs after authentication and before authorization.
/// </summary>
public sealed class ApiKeyScopeMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, PlanCatalog plans)
    {
        // The status code pages re-execute the pipeline to render a refusal's error page: let that render.
        if (context.User.IsApiKey() && context.Features.Get<IStatusCodeReExecuteFeature>() is null)
        {
            var endpoint = context.GetEndpoint();
            var api = context.Request.Path.StartsWithSegments("/api");
            if (plans.Lock(plans.Of(ApiKeyPrincipal.FindWorkspacePlan(context.User)), PlanFeature.ApiKeys) is { } locked)
            {
                if (api)
                {
                    await locked.ToProblem().ExecuteAsync(context);
                }
                else
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                }

                return;
            }

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
