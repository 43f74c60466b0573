using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics;
using Roster.Infrastructure.Authorization;
using Roster.Infrastructure.Errors;

namespace Roster.Features.AccessTokens;

/// <summary>
/// A personal access token works only on the API routes of its own workspace (<c>/api/v1/workspaces/{id}/...</c>,
/// routes that require authorization). Everywhere else it is refused, 403 <c>access_token.not_allowed</c> on the API
/// and the "Not allowed" page elsewhere: account routes (<c>/api/v1/me/...</c>, so a leaked token cannot mint more or
/// end sessions), the workspace list and creation, invitations, the anonymous routes, and every page. Another
/// workspace's routes answer 404 as for anyone outside it (the workspace policies, through <see cref="WorkspaceAccess"/>).
/// Runs after authentication and before authorization.
/// </summary>
public sealed class AccessTokenScopeMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        // The status code pages re-execute the pipeline to render a refusal's error page: let that render.
        if (context.User.IsAccessToken() && context.Features.Get<IStatusCodeReExecuteFeature>() is null)
        {
            var endpoint = context.GetEndpoint();
            var workspaceRoute = context.Request.Path.StartsWithSegments("/api")
                && context.GetRouteValue(WorkspacePolicies.RouteKey) is string
                && endpoint is not null
                && endpoint.Metadata.GetMetadata<IAllowAnonymous>() is null
                && endpoint.Metadata.GetMetadata<IAuthorizeData>() is not null;
            if (!workspaceRoute)
            {
                if (context.Request.Path.StartsWithSegments("/api"))
                {
                    await AccessTokenErrors.NotAllowed.ToProblem().ExecuteAsync(context);
                }
                else
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                }

                return;
            }

            // Routes of another workspace that do not need membership (asking to join one) are closed too: as for
            // anyone outside it, "no such workspace".
            if (!Guid.TryParse(context.GetRouteValue(WorkspacePolicies.RouteKey) as string, out var workspaceId)
                || workspaceId != AccessTokenPrincipal.FindWorkspaceId(context.User))
            {
                await ProblemResults.Problem(StatusCodes.Status404NotFound, "workspace.not_found", "No such workspace.").ExecuteAsync(context);
                return;
            }
        }

        await next(context);
    }
}
