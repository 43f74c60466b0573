using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Roster.Features.Accounts;
using Roster.Features.EmailInvitations;
using Roster.Infrastructure.Security;
using Roster.Infrastructure.Web;

namespace Roster.Pages.Account;

/// <summary>
/// Sends the verification email again: the dashboard's banner posts here, and so does an invitation's page that turned
/// the person away for an unverified address, with the invitation in <c>invite</c> so that the new link, like the
/// first one sent at sign-up, brings them into the workspace once they verify.
/// </summary>
[Authorize]
[EnableRateLimiting(RateLimits.Credentials)]
[LimitedPerAccount]
public sealed class VerifyEmailModel(UserManager<User> users, AccountEmails emails) : PageModel, IAccountAttempt
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>
    /// The invitation the person was trying to accept (a form field, never the address): a link's token, or
    /// <c>email:</c> and an email invitation's token (<see cref="EmailInvitationLinks.SignInValue"/>). A value of any other
    /// shape is ignored; confirming checks the invitation itself, as it does for the link sent at sign-up.
    /// </summary>
    [BindProperty]
    public string? Invite { get; set; }

    /// <summary>The signed-in person's own account: resending its verification email is limited per account too.</summary>
    string? IAccountAttempt.AttemptedAccount => User.FindFirstValue(ClaimTypes.Email);

    public IActionResult OnGet() => LocalRedirect("/");

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var user = await users.GetUserAsync(User);
        if (user is { EmailConfirmed: false })
        {
            await emails.SendVerificationAsync(user, InvitationOf(Invite), cancellationToken);
            TempData["Notice"] = $"We sent a verification link to {user.Email}.";
        }

        return LocalRedirect(!string.IsNullOrEmpty(ReturnUrl) && Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
    }

    private static string? InvitationOf(string? invite) =>
        SecretToken.HasValidShape(invite) || (EmailInvitationLinks.TryReadSignInValue(invite, out var token) && SecretToken.HasValidShape(token))
            ? invite
            : null;
}
