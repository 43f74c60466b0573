using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Roster.Features.Accounts;
using Roster.Infrastructure.Web;

namespace Roster.Pages.Account;

[EnableRateLimiting(RateLimits.Credentials)]
[LimitedPerAccount]
public sealed class ForgotPasswordModel(UserManager<User> users, AccountEmails emails) : PageModel, IAccountAttempt
{
    [BindProperty]
    [Required(ErrorMessage = "Enter your email.")]
    [EmailAddress(ErrorMessage = "Enter an email address such as name@example.com.")]
    public string Email { get; set; } = "";

    public bool Sent { get; private set; }

    string? IAccountAttempt.AttemptedAccount => Email;

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        // The answer is the same whether or not the address has an account.
        var user = await users.FindByEmailAsync(Email.Trim());
        if (user is not null)
        {
            await emails.SendPasswordResetAsync(user, cancellationToken);
        }

        Sent = true;
        return Page();
    }
}
