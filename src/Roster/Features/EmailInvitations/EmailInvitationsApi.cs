using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Roster.Features.Invitations;
using Roster.Infrastructure.Authorization;
using Roster.Infrastructure.Errors;
using Roster.Infrastructure.Web;

namespace Roster.Features.EmailInvitations;

/// <summary>
/// Email invitations in the API (SPEC section 8): the Admins' <c>GET|POST /api/v1/workspaces/{id}/email-invitations</c>,
/// <c>POST .../{invitationId}/resend</c> and <c>DELETE .../{invitationId}</c>; the invited person's
/// <c>GET /api/v1/email-invitations/{token}</c> (preview) and <c>POST /api/v1/email-invitations/{token}/accept</c>.
/// </summary>
public static class EmailInvitationsApi
{
    /// <summary>Registers the service, its options (<c>Roster:EmailInvitations</c>) and the sending budget (<see cref="EmailInvitationSendLimiter"/>).</summary>
    public static IServiceCollection AddEmailInvitations(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EmailInvitationOptions>().Bind(configuration.GetSection("Roster:EmailInvitations"))
            .Validate(
                o => o is { ExpiryDays: >= 1 and <= 30, MaxAddressesPerRequest: >= 1 and <= 500, SendsPerWorkspacePerMinute: >= 1 },
                "Roster:EmailInvitations: ExpiryDays is 1 to 30, MaxAddressesPerRequest 1 to 500, SendsPerWorkspacePerMinute at least 1.")
            .ValidateOnStart();
        services.AddScoped<EmailInvitationService>();
        services.AddSingleton<EmailInvitationSendLimiter>();
        return services;
    }

    public static RouteGroupBuilder MapEmailInvitationsApi(this RouteGroupBuilder api)
    {
        var invitations = api.MapGroup("/workspaces/{workspaceId}/email-invitations").WithTags("Email invitations")
            .RequireAuthorization(WorkspacePolicies.Admin);
        invitations.MapGet("/", ListAsync);
        invitations.MapPost("/", SendAsync);
        invitations.MapPost("/{invitationId:guid}/resend", ResendAsync);
        invitations.MapDelete("/{invitationId:guid}", RevokeAsync);

        // The token is the credential: rate limited per client address with the invitation links' budget.
        var byToken = api.MapGroup("/email-invitations/{token}").WithTags("Email invitations").RequireRateLimiting(RateLimits.Links);
        byToken.MapGet("/", PreviewAsync).AllowAnonymous();
        byToken.MapPost("/accept", AcceptAsync).RequireAuthorization();
        return api;
    }

    /// <summary>The open invitations (pending or expired), newest sent first: <c>?limit=</c> (1 to 200, default 50) and <c>?after=</c> page.</summary>
    private static async Task<Results<Ok<Page<EmailInvitationResponse>>, ProblemHttpResult>> ListAsync(
        Guid workspaceId, int? limit, string? after, EmailInvitationService invitations, CancellationToken cancellationToken)
    {
        var result = await invitations.ListAsync(workspaceId, new PageRequest(limit ?? PageRequest.DefaultLimit, after), cancellationToken);
        return result.IsSuccess ? TypedResults.Ok(result.Value) : result.Error!.ToProblem();
    }

    /// <summary>Answers 200 with what happened to each address (invited, renewed, already members, invalid).</summary>
    private static async Task<Results<Ok<SendEmailInvitationsResponse>, ProblemHttpResult>> SendAsync(
        Guid workspaceId, SendEmailInvitationsRequest request, HttpContext http, EmailInvitationService invitations, CancellationToken cancellationToken)
    {
        var result = await invitations.SendAsync(Actor.From(http), workspaceId, request, cancellationToken);
        return result.IsSuccess ? TypedResults.Ok(result.Value) : Problem(http, result.Error!);
    }

    private static async Task<Results<Ok<EmailInvitationResponse>, ProblemHttpResult>> ResendAsync(
        Guid workspaceId, Guid invitationId, HttpContext http, EmailInvitationService invitations, CancellationToken cancellationToken)
    {
        var result = await invitations.ResendAsync(Actor.From(http), workspaceId, invitationId, cancellationToken);
        return result.IsSuccess ? TypedResults.Ok(result.Value) : Problem(http, result.Error!);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(
        Guid workspaceId, Guid invitationId, HttpContext http, EmailInvitationService invitations, CancellationToken cancellationToken)
    {
        var result = await invitations.RevokeAsync(Actor.From(http), workspaceId, invitationId, cancellationToken);
        return result.IsSuccess ? TypedResults.NoContent() : result.Error!.ToProblem();
    }

    /// <summary>What the invitation grants and to which address; for a signed-in caller, the verdict the accept gives.</summary>
    private static async Task<Results<Ok<EmailInvitationPreviewResponse>, ProblemHttpResult>> PreviewAsync(
        string token, HttpContext http, EmailInvitationService invitations, CancellationToken cancellationToken)
    {
        var verdict = await invitations.CheckAsync(token, http.User.FindUserId(), cancellationToken);
        if (!verdict.CanAccept)
        {
            return verdict.Problem!.ToProblem();
        }

        var found = verdict.Found!;
        return TypedResults.Ok(new EmailInvitationPreviewResponse(
            found.Invitation.WorkspaceId, found.WorkspaceName, found.Invitation.Email, found.Permission!.Name, found.Permission.Id, found.Invitation.ExpiresAt));
    }

    private static async Task<Results<Ok<AcceptInvitationResponse>, ProblemHttpResult>> AcceptAsync(
        string token, HttpContext http, EmailInvitationService invitations, CancellationToken cancellationToken)
    {
        var result = await invitations.AcceptAsync(Actor.From(http), token, cancellationToken);
        return result.IsSuccess ? TypedResults.Ok(result.Value) : result.Error!.ToProblem();
    }

    /// <summary>The problem for a refused send: 429 <c>rate_limited</c> with <c>Retry-After</c> when the sender's budget is spent.</summary>
    private static ProblemHttpResult Problem(HttpContext http, Error error) =>
        error == EmailInvitationErrors.RateLimited
            ? RateLimits.Rejected(http, http.RequestServices.GetRequiredService<EmailInvitationSendLimiter>().RetryAfter)
            : error.ToProblem();
}
