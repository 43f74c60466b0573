using Microsoft.AspNetCore.Http.HttpResults;
using Roster.Features.Permissions;
using Roster.Infrastructure.Authorization;
using Roster.Infrastructure.Errors;
using Roster.Infrastructure.Web;

namespace Roster.Features.Access;

/// <summary>
/// The authorization API for the dashboard's other services (SPEC sections 3 and 8), called with a workspace API
/// key about any user, or by a member about themselves; and the caller's own access.
/// </summary>
public static class AccessApi
{
    public static RouteGroupBuilder MapAccessApi(this RouteGroupBuilder api)
    {
        var workspace = api.MapGroup("/workspaces/{workspaceId}").WithTags("Authorization");
        workspace.MapGet("/access", GetAccessAsync).RequireAuthorization(WorkspacePolicies.Member);
        workspace.MapPost("/authorize", AuthorizeAsync).RequireAuthorization(WorkspacePolicies.AuthorizationApi);
        workspace.MapPost("/authorize/batch", AuthorizeBatchAsync).RequireAuthorization(WorkspacePolicies.AuthorizationApi)
            .WithBodyLimit(RequestBodies.AuthorizeBatchBytes);
        return api;
    }

    private static async Task<Results<Ok<AccessResponse>, ProblemHttpResult>> GetAccessAsync(
        Guid workspaceId, HttpContext http, WorkspaceAccess access, AccessService service, CancellationToken cancellationToken) =>
        await access.FindMembershipAsync(workspaceId, http.User.UserId(), cancellationToken) is { } membership
            ? TypedResults.Ok(service.Describe(membership.Permission))
            : ProblemResults.Problem(StatusCodes.Status404NotFound, "workspace.not_found", "No such workspace.");

    private static async Task<Results<Ok<AuthorizeResponse>, ProblemHttpResult>> AuthorizeAsync(
        Guid workspaceId, AuthorizeRequest request, HttpContext http, WorkspaceAccess access, AccessService service, CancellationToken cancellationToken)
    {
        var fields = new Dictionary<string, string[]>();
        var question = service.Validate(request, "", fields);
        if (question is null)
        {
            return Error.Validation(fields).ToProblem();
        }

        var answers = await AnswerAsync(workspaceId, [question], http, access, service, cancellationToken);
        return answers.IsSuccess ? TypedResults.Ok(answers.Value[0]) : answers.Error!.ToProblem();
    }

    private static async Task<Results<Ok<AuthorizeBatchResponse>, ProblemHttpResult>> AuthorizeBatchAsync(
        Guid workspaceId, AuthorizeBatchRequest request, HttpContext http, WorkspaceAccess access, AccessService service, CancellationToken cancellationToken)
    {
        var checks = request.Checks ?? [];
        if (checks.Count == 0)
        {
            return Error.Validation("checks", "Give at least one check.").ToProblem();
        }

        if (checks.Count > AccessService.MaxBatch)
        {
            return AccessService.TooMany.ToProblem();
        }

        var fields = new Dictionary<string, string[]>();
        var questions = checks.Select((check, index) => service.Validate(check, $"checks[{index}].", fields)).ToList();
        if (fields.Count > 0)
        {
            return Error.Validation(fields).ToProblem();
        }

        var answers = await AnswerAsync(workspaceId, questions!, http, access, service, cancellationToken);
        return answers.IsSuccess ? TypedResults.Ok(new AuthorizeBatchResponse(answers.Value)) : answers.Error!.ToProblem();
    }

    /// <summary>
    /// An API key may ask about anyone in its workspace; a member only about themselves (their own membership was
    /// read by the authorization handler and is not read again).
    /// </summary>
    private static async Task<Result<IReadOnlyList<AuthorizeResponse>>> AnswerAsync(
        Guid workspaceId, IReadOnlyList<AccessQuestion> questions, HttpContext http, WorkspaceAccess access, AccessService service, CancellationToken cancellationToken)
    {
        var known = new Dictionary<Guid, PermissionSnapshot>();
        if (!http.User.IsApiKey())
        {
            var self = http.User.UserId();
            if (questions.Any(q => q.UserId != self))
            {
                return new Error(
                    "authorization.self_only",
                    "Members may only ask about themselves. Services ask about anyone with a workspace API key.",
                    ErrorKind.Forbidden);
            }

            if (await access.FindMembershipAsync(workspaceId, self, cancellationToken) is { } membership)
            {
                known[self] = membership.Permission;
            }
        }

        var decisions = await service.DecideAsync(workspaceId, questions, known, cancellationToken);
        Roster.Infrastructure.Telemetry.RosterMetrics.Decided(decisions);
        return decisions.Select(d => new AuthorizeResponse(d.Allowed, d.Permission, d.Reason)).ToList();
    }
}
