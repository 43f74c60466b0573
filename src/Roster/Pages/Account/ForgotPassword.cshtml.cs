using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Roster.Features.Accounts;
using Roster.Infrastructure.Web;

namespace Roster.Pages.Account;

[EnableRateLimiting(RateLimits.Credentials)]
[LimitedPerAccount]
public sealed class ForgotPasswordModel(AccountService accounts) : PageModel, IAccountAttempt
{
    [BindProperty]
    [Required(ErrorMessage = "Enter your email.")]
    [EmailLookup]
    [DataType(DataType.EmailAddress)]
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

        // The answer (and its time: the email is queued) is the same whether or not the address has an account.
        var sent = await accounts.ForgotPasswordAsync(Email, cancellationToken);
        if (!sent.IsSuccess)
        {
            ModelState.AddModelError(nameof(Email), EmailAddresses.Message);
            return Page();
        }

        Sent = true;
        return Page();
    }
}
