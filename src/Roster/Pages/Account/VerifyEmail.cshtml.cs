using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Roster.Features.Accounts;
using Roster.Infrastructure.Web;

namespace Roster.Pages.Account;

/// <summary>Sends the verification email again (the dashboard's banner posts here).</summary>
[Authorize]
[EnableRateLimiting(RateLimits.Credentials)]
[LimitedPerAccount]
public sealed class VerifyEmailModel(UserManager<User> users, AccountEmails emails) : PageModel, IAccountAttempt
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>The signed-in person's own account: resending its verification email is limited per account too.</summary>
    string? IAccountAttempt.AttemptedAccount => User.FindFirstValue(ClaimTypes.Email);

    public IActionResult OnGet() => LocalRedirect("/");

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var user = await users.GetUserAsync(User);
        if (user is { EmailConfirmed: false })
        {
            await emails.SendVerificationAsync(user, invitationToken: null, cancellationToken);
            TempData["Notice"] = $"We sent a verification link to {user.Email}.";
        }

        return LocalRedirect(!string.IsNullOrEmpty(ReturnUrl) && Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
    }
}
