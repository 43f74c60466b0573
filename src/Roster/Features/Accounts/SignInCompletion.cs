using Microsoft.AspNetCore.Mvc;
using Roster.Features.EmailInvitations;
using Roster.Features.Invitations;
using Roster.Features.Workspaces;
using Roster.Infrastructure.Authorization;

namespace Roster.Features.Accounts;

/// <summary>Where a person goes once signed in, and the notice they see there.</summary>
public sealed record SignInOutcome(string RedirectUrl, string? Notice);

/// <summary>
/// What happens right after any sign-in or sign-up (every login method ends here): someone who came through an
/// invitation link joins that workspace; anyone else opens their workspace, which is created on their first
/// sign-in (the seed: "the Dashboard is automatically created").
/// </summary>
public sealed class SignInCompletion(
    InvitationService invitations, EmailInvitationService emailInvitations, WorkspaceService workspaces, CompanyDomains.DiscoveryService discovery)
{
    public async Task<SignInOutcome> CompleteAsync(User user, string? invitationToken, string? returnUrl, IUrlHelper url, CancellationToken cancellationToken)
    {
        if (EmailInvitationLinks.TryReadSignInValue(invitationToken, out var emailToken))
        {
            // An email invitation (its token travels prefixed): accepted when this account's verified email is the invited
            // address; otherwise its page says why (another address, not verified yet, expired, ...).
            var joinedByEmail = await emailInvitations.AcceptAsync(
                Actor.ForUser(user.Id, url.ActionContext.HttpContext.Connection.RemoteIpAddress?.ToString()), emailToken, cancellationToken);
            return joinedByEmail.IsSuccess
                ? new SignInOutcome(WorkspaceUrl(joinedByEmail.Value.WorkspaceId), JoinedNotice(joinedByEmail.Value))
                : new SignInOutcome(EmailInvitationLinks.PagePath(emailToken), null);
        }

        if (!string.IsNullOrEmpty(invitationToken))
        {
            var accepted = await invitations.AcceptAsync(
                Actor.ForUser(user.Id, url.ActionContext.HttpContext.Connection.RemoteIpAddress?.ToString()), invitationToken, cancellationToken);
            if (accepted.IsSuccess)
            {
                var joined = accepted.Value;
                return new SignInOutcome(WorkspaceUrl(joined.WorkspaceId), JoinedNotice(joined));
            }

            // The invitation page explains what went wrong (expired, already a member, wrong domain, ...).
            return new SignInOutcome(InvitationUrl(invitationToken), null);
        }

        var local = !string.IsNullOrEmpty(returnUrl) && url.IsLocalUrl(returnUrl);
        if (local && returnUrl!.StartsWith("/invite/", StringComparison.Ordinal))
        {
            // Back to an invitation's page, where they choose to join: no workspace of their own meanwhile.
            return new SignInOutcome(returnUrl, null);
        }

        // SPEC section 1.1: someone in no workspace whose team is already on Roster is offered to join it first.
        if (await workspaces.DefaultWorkspaceIdAsync(user.Id, cancellationToken) is null && await discovery.AnyAsync(user.Id, cancellationToken))
        {
            return new SignInOutcome(local ? returnUrl! : "/discover", null);
        }

        var workspaceId = await workspaces.EnsureWorkspaceAsync(user, cancellationToken);
        return new SignInOutcome(local ? returnUrl! : WorkspaceUrl(workspaceId), null);
    }

    public static string JoinedNotice(AcceptInvitationResponse joined) => $"You joined {joined.WorkspaceName} as {joined.Permission}";

    public static string WorkspaceUrl(Guid workspaceId) => $"/w/{workspaceId}";

    /// <summary>The page of the invitation a sign-in carries: a link's, or an email invitation's (<see cref="EmailInvitationLinks"/>).</summary>
    public static string InvitationUrl(string token) =>
        EmailInvitationLinks.TryReadSignInValue(token, out var emailToken) ? EmailInvitationLinks.PagePath(emailToken) : $"/invite/{Uri.EscapeDataString(token)}";
}
