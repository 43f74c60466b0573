using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Roster.Features.Permissions;
using Roster.Infrastructure.Errors;

namespace Roster.Infrastructure.Authorization;

/// <summary>What a workspace route asks of its caller.</summary>
public enum WorkspaceCapability
{
    /// <summary>Any member of the workspace.</summary>
    Member,

    /// <summary>A member whose permission administers the workspace (the evaluator decides: today the built-in Admin).</summary>
    Administer,

    /// <summary>The authorization API: any member (asking about themselves), or an API key of this workspace.</summary>
    AskAuthorization,
}

/// <summary>The policies that guard everything under a workspace route (<c>{workspaceId}</c>).</summary>
public static class WorkspacePolicies
{
    /// <summary>Any member of the route's workspace.</summary>
    public const string Member = "WorkspaceMember";

    /// <summary>A member of the route's workspace who may administer it.</summary>
    public const string Admin = "WorkspaceAdmin";

    /// <summary>A member of the route's workspace, or one of its API keys.</summary>
    public const string AuthorizationApi = "WorkspaceAuthorizationApi";

    public const string RouteKey = "workspaceId";

    /// <summary>
    /// The workspace policies, and a default policy that needs a person: an API key authenticates, but nothing
    /// outside the authorization API accepts it.
    /// </summary>
    public static AuthorizationBuilder AddWorkspacePolicies(this AuthorizationBuilder builder) => builder
        .SetDefaultPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireClaim(ClaimTypes.NameIdentifier).Build())
        .AddPolicy(Member, policy => policy.RequireAuthenticatedUser().AddRequirements(new WorkspaceRequirement(WorkspaceCapability.Member)))
        .AddPolicy(Admin, policy => policy.RequireAuthenticatedUser().AddRequirements(new WorkspaceRequirement(WorkspaceCapability.Administer)))
        .AddPolicy(AuthorizationApi, policy => policy.RequireAuthenticatedUser().AddRequirements(new WorkspaceRequirement(WorkspaceCapability.AskAuthorization)));
}

/// <summary>Membership of the route's workspace with a capability.</summary>
public sealed record WorkspaceRequirement(WorkspaceCapability Capability) : IAuthorizationRequirement;

/// <summary>
/// The one place that decides workspace access, by asking <see cref="PermissionEvaluator"/>. It fails closed: no
/// workspace id in the route, an id that is not a GUID, or no membership all fail. Someone outside the workspace
/// (an API key of another one too) is told "not found", no hint that it exists; a member without the capability,
/// or an API key outside the authorization API, is told "forbidden".
/// </summary>
public sealed class WorkspaceAuthorizationHandler(WorkspaceAccess access) : AuthorizationHandler<WorkspaceRequirement>
{
    public const string NotFoundReason = "workspace.not_found";
    public const string ForbiddenReason = "workspace.forbidden";
    public const string ApiKeyNotAllowedReason = "api_key.not_allowed";
    public const string ApiKeyNotAllowedTitle = "An API key may only call its workspace's authorization API.";

    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, WorkspaceRequirement requirement)
    {
        if (context.Resource is not HttpContext http
            || !Guid.TryParse(http.GetRouteValue(WorkspacePolicies.RouteKey) as string, out var workspaceId))
        {
            context.Fail(new AuthorizationFailureReason(this, NotFoundReason));
            return;
        }

        if (ApiKeyPrincipal.FindWorkspaceId(context.User) is { } keyWorkspaceId)
        {
            if (keyWorkspaceId != workspaceId)
            {
                context.Fail(new AuthorizationFailureReason(this, NotFoundReason));
            }
            else if (requirement.Capability == WorkspaceCapability.AskAuthorization)
            {
                context.Succeed(requirement);
            }
            else
            {
                context.Fail(new AuthorizationFailureReason(this, ApiKeyNotAllowedReason));
            }

            return;
        }

        if (context.User.FindUserId() is not { } userId
            || await access.FindMembershipAsync(workspaceId, userId, http.RequestAborted) is not { } membership)
        {
            context.Fail(new AuthorizationFailureReason(this, NotFoundReason));
            return;
        }

        var allowed = requirement.Capability switch
        {
            WorkspaceCapability.Administer => PermissionEvaluator.CanAdminister(membership.Permission),
            _ => true,
        };
        if (allowed)
        {
            context.Succeed(requirement);
        }
        else
        {
            context.Fail(new AuthorizationFailureReason(this, ForbiddenReason));
        }
    }
}

/// <summary>
/// Turns authorization failures into the right answer: 404 for someone outside the workspace, 403 for a
/// member lacking the permission or an API key used outside the authorization API, and problem+json with a
/// stable code on the API.
/// </summary>
public sealed class WorkspaceAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler fallback = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden)
        {
            var reasons = authorizeResult.AuthorizationFailure?.FailureReasons.Select(r => r.Message).ToList() ?? [];
            var problem = reasons.Contains(WorkspaceAuthorizationHandler.NotFoundReason)
                ? ProblemResults.Problem(StatusCodes.Status404NotFound, "workspace.not_found", "No such workspace.")
                : context.User.IsApiKey()
                    ? ProblemResults.Problem(StatusCodes.Status403Forbidden, WorkspaceAuthorizationHandler.ApiKeyNotAllowedReason, WorkspaceAuthorizationHandler.ApiKeyNotAllowedTitle)
                    : reasons.Contains(WorkspaceAuthorizationHandler.ForbiddenReason)
                        ? ProblemResults.Problem(StatusCodes.Status403Forbidden, "workspace.forbidden", "Your permission in this workspace does not allow this.")
                        : null;
            if (problem is not null)
            {
                if (context.Request.Path.StartsWithSegments("/api"))
                {
                    await problem.ExecuteAsync(context);
                }
                else
                {
                    // Pages: the status code pages render a friendly 404 or 403.
                    context.Response.StatusCode = problem.StatusCode;
                }

                return;
            }
        }

        await fallback.HandleAsync(next, context, policy, authorizeResult);
    }
}
