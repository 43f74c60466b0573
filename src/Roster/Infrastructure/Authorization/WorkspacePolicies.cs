using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Roster.Features.Permissions;
using Roster.Infrastructure.Errors;

namespace Roster.Infrastructure.Authorization;

/// <summary>The policies that guard everything under a workspace route (<c>{workspaceId}</c>).</summary>
public static class WorkspacePolicies
{
    /// <summary>Any member of the route's workspace.</summary>
    public const string Member = "WorkspaceMember";

    /// <summary>An Admin of the route's workspace.</summary>
    public const string Admin = "WorkspaceAdmin";

    public const string RouteKey = "workspaceId";

    public static AuthorizationBuilder AddWorkspacePolicies(this AuthorizationBuilder builder) => builder
        .AddPolicy(Member, policy => policy.RequireAuthenticatedUser().AddRequirements(new WorkspaceRequirement(null)))
        .AddPolicy(Admin, policy => policy.RequireAuthenticatedUser().AddRequirements(new WorkspaceRequirement(BuiltInPermissions.Admin)));
}

/// <summary>Membership of the route's workspace, with a given permission when <see cref="Permission"/> is set.</summary>
public sealed record WorkspaceRequirement(string? Permission) : IAuthorizationRequirement;

/// <summary>
/// The one place that decides workspace access. It fails closed: no workspace id in the route, an id that is
/// not a GUID, or no membership all fail. A non-member is told "not found" (no hint that the workspace exists);
/// a member without the permission is told "forbidden".
/// </summary>
public sealed class WorkspaceAuthorizationHandler(WorkspaceAccess access) : AuthorizationHandler<WorkspaceRequirement>
{
    public const string NotFoundReason = "workspace.not_found";

    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, WorkspaceRequirement requirement)
    {
        if (context.Resource is not HttpContext http
            || !Guid.TryParse(http.GetRouteValue(WorkspacePolicies.RouteKey) as string, out var workspaceId)
            || context.User.FindUserId() is not { } userId)
        {
            context.Fail(new AuthorizationFailureReason(this, NotFoundReason));
            return;
        }

        var membership = await access.FindMembershipAsync(workspaceId, userId, http.RequestAborted);
        if (membership is null)
        {
            context.Fail(new AuthorizationFailureReason(this, NotFoundReason));
        }
        else if (requirement.Permission is null || membership.Permission == requirement.Permission)
        {
            context.Succeed(requirement);
        }
        else
        {
            context.Fail(new AuthorizationFailureReason(this, "workspace.forbidden"));
        }
    }
}

/// <summary>
/// Turns authorization failures into the right answer: 404 for someone outside the workspace, 403 for a
/// member lacking the permission, and problem+json with a stable code on the API.
/// </summary>
public sealed class WorkspaceAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler fallback = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden && authorizeResult.AuthorizationFailure is { } failure)
        {
            var notFound = failure.FailureReasons.Any(r => r.Message == WorkspaceAuthorizationHandler.NotFoundReason);
            var problem = notFound
                ? ProblemResults.Problem(StatusCodes.Status404NotFound, "workspace.not_found", "No such workspace.")
                : ProblemResults.Problem(StatusCodes.Status403Forbidden, "workspace.forbidden", "Your permission in this workspace does not allow this.");
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

        await fallback.HandleAsync(next, context, policy, authorizeResult);
    }
}
