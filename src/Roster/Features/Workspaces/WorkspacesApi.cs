using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Roster.Features.CompanyDomains;
using Roster.Infrastructure.Authorization;
using Roster.Infrastructure.Data;
using Roster.Infrastructure.Errors;

namespace Roster.Features.Workspaces;

public static class WorkspacesApi
{
    public static RouteGroupBuilder MapWorkspacesApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/workspaces").WithTags("Workspaces").RequireAuthorization();
        group.MapGet("/", ListAsync);
        group.MapPost("/", CreateAsync);
        group.MapGet("/{workspaceId}", GetAsync).RequireAuthorization(WorkspacePolicies.Member);
        group.MapPatch("/{workspaceId}", UpdateAsync).RequireAuthorization(WorkspacePolicies.Admin);
        group.MapDelete("/{workspaceId}", DeleteAsync).RequireAuthorization(WorkspacePolicies.Admin);
        return api;
    }

    private static async Task<Ok<IEnumerable<WorkspaceResponse>>> ListAsync(
        HttpContext http, WorkspaceService workspaces, CancellationToken cancellationToken) =>
        TypedResults.Ok((await workspaces.ListForUserAsync(http.User.UserId(), cancellationToken)).Select(w => w.ToResponse()));

    private static async Task<Results<Created<WorkspaceResponse>, ProblemHttpResult>> CreateAsync(
        CreateWorkspaceRequest request, HttpContext http, WorkspaceService workspaces, CancellationToken cancellationToken)
    {
        var result = await workspaces.CreateAsync(Actor.From(http), request, cancellationToken);
        return result.IsSuccess
            ? TypedResults.Created($"/api/v1/workspaces/{result.Value.Id}", result.Value.ToResponse())
            : result.Error!.ToProblem();
    }

    private static async Task<Results<Ok<WorkspaceResponse>, ProblemHttpResult>> GetAsync(
        Guid workspaceId, HttpContext http, WorkspaceService workspaces, CancellationToken cancellationToken)
    {
        var workspace = await workspaces.GetForMemberAsync(workspaceId, http.User.UserId(), cancellationToken);
        return workspace is null
            ? ProblemResults.Problem(StatusCodes.Status404NotFound, "workspace.not_found", "No such workspace.")
            : TypedResults.Ok(workspace.ToResponse());
    }

    /// <summary>
    /// Renames the workspace and changes its company domain, join policy and auto-join permission (Admins; SPEC section
    /// 5, <see cref="CompanyDomainService.UpdateAsync"/>). Everything is checked before anything is written. Errors: 400
    /// <c>validation_failed</c> on <c>name</c>, <c>companyDomain</c>, <c>joinPolicy</c> or <c>autoJoinPermission</c>;
    /// 400 <c>workspace.domain_invalid</c>, <c>workspace.domain_public</c>, <c>workspace.auto_join_admin</c>; 403
    /// <c>workspace.domain_not_verified</c>, <c>plan.feature_locked</c>; 404 <c>workspace.not_found</c>.
    /// </summary>
    private static async Task<Results<Ok<WorkspaceResponse>, ProblemHttpResult>> UpdateAsync(
        Guid workspaceId, UpdateWorkspaceRequest request, HttpContext http, WorkspaceService workspaces, CompanyDomainService companyDomains, RosterDbContext db, CancellationToken cancellationToken)
    {
        if (request.Name is not null && WorkspaceService.ValidateName(request.Name, out _) is { } invalidName)
        {
            return invalidName.ToProblem();
        }

        var domainGiven = request.CompanyDomain.ValueKind != JsonValueKind.Undefined;
        if (domainGiven && request.CompanyDomain.ValueKind is not (JsonValueKind.Null or JsonValueKind.String))
        {
            return Error.Validation(CompanyDomainErrors.DomainField, "A domain name as a string, or null to clear it.").ToProblem();
        }

        string? domain = null;
        if (request.CompanyDomain.ValueKind == JsonValueKind.String)
        {
            try
            {
                domain = request.CompanyDomain.GetString();
            }
            catch (InvalidOperationException)
            {
                // Text no database can store (a lone surrogate): a field error, as StorableText answers for the others.
                return CompanyDomainErrors.Invalid.ToProblem();
            }
        }

        var change = new CompanyDomainChange(domainGiven, domain, request.JoinPolicy, request.AutoJoinPermission);

        // One change, one transaction: both use cases join it, so a failed rename leaves the join settings as they were.
        await using var transaction = !change.IsEmpty && request.Name is not null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        if (!change.IsEmpty)
        {
            // The company-domain change first: its checks read the database; the name was checked above.
            var changed = await companyDomains.UpdateAsync(Actor.From(http), workspaceId, change, cancellationToken);
            if (!changed.IsSuccess)
            {
                return changed.Error!.ToProblem();
            }
        }

        if (request.Name is null)
        {
            return await GetAsync(workspaceId, http, workspaces, cancellationToken);
        }

        var result = await workspaces.RenameAsync(Actor.From(http), workspaceId, request.Name, cancellationToken);
        if (!result.IsSuccess)
        {
            return result.Error!.ToProblem();
        }

        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return TypedResults.Ok(result.Value.ToResponse());
    }

    /// <summary>Deletes the workspace and everything in it (Admins): 204. Errors: 404 <c>workspace.not_found</c>.</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        Guid workspaceId, HttpContext http, WorkspaceService workspaces, CancellationToken cancellationToken)
    {
        var result = await workspaces.DeleteAsync(Actor.From(http), workspaceId, cancellationToken);
        return result.IsSuccess ? TypedResults.NoContent() : result.Error!.ToProblem();
    }
}
