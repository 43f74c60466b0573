using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Roster.Infrastructure.Authorization;
using Roster.Infrastructure.Errors;
using Roster.Infrastructure.Web;

namespace Roster.Features.Invitations;

public static class InvitationsApi
{
    public static RouteGroupBuilder MapInvitationsApi(this RouteGroupBuilder api)
    {
        var links = api.MapGroup("/workspaces/{workspaceId}/invitation-links").WithTags("Invitation links")
            .RequireAuthorization(WorkspacePolicies.Admin);
        links.MapGet("/", ListLinksAsync);
        links.MapPost("/", CreateLinkAsync);
        links.MapDelete("/{linkId:guid}", RevokeLinkAsync);

        // The token is the credential here, so these routes are rate limited per client.
        var invitations = api.MapGroup("/invitations/{token}").WithTags("Invitations").RequireRateLimiting(RateLimits.Sensitive);
        invitations.MapGet("/", PreviewAsync).AllowAnonymous();
        invitations.MapPost("/accept", AcceptAsync).RequireAuthorization();
        return api;
    }

    private static async Task<Ok<IReadOnlyList<InvitationLinkResponse>>> ListLinksAsync(
        Guid workspaceId, InvitationService invitations, CancellationToken cancellationToken) =>
        TypedResults.Ok(await invitations.ListLinksAsync(workspaceId, cancellationToken));

    private static async Task<Results<Created<CreatedInvitationLinkResponse>, ProblemHttpResult>> CreateLinkAsync(
        Guid workspaceId,
        CreateInvitationLinkRequest request,
        ClaimsPrincipal principal,
        InvitationService invitations,
        PublicUrls urls,
        CancellationToken cancellationToken)
    {
        var result = await invitations.CreateLinkAsync(workspaceId, principal.UserId(), request, cancellationToken);
        if (!result.IsSuccess)
        {
            return result.Error!.ToProblem();
        }

        var (link, token) = result.Value;
        var response = new CreatedInvitationLinkResponse(link.Id, urls.Invitation(token), link.Permission, link.ExpiresAt, link.MaxUses, link.Uses);
        return TypedResults.Created($"/api/v1/workspaces/{workspaceId}/invitation-links/{link.Id}", response);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeLinkAsync(
        Guid workspaceId, Guid linkId, ClaimsPrincipal principal, InvitationService invitations, CancellationToken cancellationToken)
    {
        var result = await invitations.RevokeLinkAsync(workspaceId, linkId, principal.UserId(), cancellationToken);
        return result.IsSuccess ? TypedResults.NoContent() : result.Error!.ToProblem();
    }

    private static async Task<Results<Ok<InvitationPreviewResponse>, ProblemHttpResult>> PreviewAsync(
        string token, InvitationService invitations, CancellationToken cancellationToken)
    {
        var result = await invitations.PreviewAsync(token, cancellationToken);
        if (!result.IsSuccess)
        {
            return result.Error!.ToProblem();
        }

        var (link, workspaceName) = result.Value;
        return TypedResults.Ok(new InvitationPreviewResponse(link.WorkspaceId, workspaceName, link.Permission, link.ExpiresAt));
    }

    private static async Task<Results<Ok<AcceptInvitationResponse>, ProblemHttpResult>> AcceptAsync(
        string token, ClaimsPrincipal principal, InvitationService invitations, CancellationToken cancellationToken)
    {
        var result = await invitations.AcceptAsync(token, principal.UserId(), cancellationToken);
        return result.IsSuccess ? TypedResults.Ok(result.Value) : result.Error!.ToProblem();
    }
}
