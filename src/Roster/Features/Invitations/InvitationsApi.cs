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
        links.MapGet("/{linkId:guid}", GetLinkAsync);
        links.MapDelete("/{linkId:guid}", RevokeLinkAsync);

        // The token is the credential here, so these routes are rate limited per client address, with the link page's
        // budget: higher than sign-in's, since a 256-bit token cannot be guessed, but an enumeration flood stops.
        var invitations = api.MapGroup("/invitations/{token}").WithTags("Invitations").RequireRateLimiting(RateLimits.Links);
        invitations.MapGet("/", PreviewAsync).AllowAnonymous();
        invitations.MapPost("/accept", AcceptAsync).RequireAuthorization();
        return api;
    }

    private static async Task<Ok<IReadOnlyList<InvitationLinkResponse>>> ListLinksAsync(
        Guid workspaceId, InvitationService invitations, CancellationToken cancellationToken) =>
        TypedResults.Ok(await invitations.ListLinksAsync(workspaceId, cancellationToken));

    private static async Task<Results<Ok<InvitationLinkResponse>, ProblemHttpResult>> GetLinkAsync(
        Guid workspaceId, Guid linkId, InvitationService invitations, CancellationToken cancellationToken) =>
        (await invitations.ListLinksAsync(workspaceId, cancellationToken)).FirstOrDefault(link => link.Id == linkId) is { } found
            ? TypedResults.Ok(found)
            : InvitationErrors.LinkNotFound.ToProblem();

    private static async Task<Results<Created<CreatedInvitationLinkResponse>, ProblemHttpResult>> CreateLinkAsync(
        Guid workspaceId,
        CreateInvitationLinkRequest request,
        HttpContext http,
        InvitationService invitations,
        PublicUrls urls,
        CancellationToken cancellationToken)
    {
        var result = await invitations.CreateLinkAsync(Actor.From(http), workspaceId, request, cancellationToken);
        if (!result.IsSuccess)
        {
            return result.Error!.ToProblem();
        }

        var (link, permission, token) = result.Value;
        var response = new CreatedInvitationLinkResponse(
            link.Id, urls.Invitation(token), permission.Name, permission.Id, link.ExpiresAt, link.MaxUses, link.Uses);
        return TypedResults.Created($"/api/v1/workspaces/{workspaceId}/invitation-links/{link.Id}", response);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeLinkAsync(
        Guid workspaceId, Guid linkId, HttpContext http, InvitationService invitations, CancellationToken cancellationToken)
    {
        var result = await invitations.RevokeLinkAsync(Actor.From(http), workspaceId, linkId, cancellationToken);
        return result.IsSuccess ? TypedResults.NoContent() : result.Error!.ToProblem();
    }

    /// <summary>What the link grants; for a signed-in caller, the same verdict the landing page and the accept give.</summary>
    private static async Task<Results<Ok<InvitationPreviewResponse>, ProblemHttpResult>> PreviewAsync(
        string token, HttpContext http, InvitationService invitations, CancellationToken cancellationToken)
    {
        var verdict = await invitations.CheckAsync(token, http.User.FindUserId(), cancellationToken);
        if (!verdict.CanJoin)
        {
            return verdict.Problem!.ToProblem();
        }

        var (link, workspaceName, permission, _) = verdict.Invitation!;
        return TypedResults.Ok(new InvitationPreviewResponse(
            link.WorkspaceId, workspaceName, permission!.Name, permission.Id, link.ExpiresAt, link.AllowedDomainList));
    }

    private static async Task<Results<Ok<AcceptInvitationResponse>, ProblemHttpResult>> AcceptAsync(
        string token, HttpContext http, InvitationService invitations, CancellationToken cancellationToken)
    {
        var result = await invitations.AcceptAsync(Actor.From(http), token, cancellationToken);
        return result.IsSuccess ? TypedResults.Ok(result.Value) : result.Error!.ToProblem();
    }
}
