using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Roster.Features.Accounts;
using Roster.Features.Sessions;
using Roster.Infrastructure.Web;

namespace Roster.Pages.Account;

[EnableRateLimiting(RateLimits.Credentials)]
[LimitedPerAccount]
public sealed class ResetPasswordModel(AccountService accounts, SignInManager<User> signInManager) : PageModel, IAccountAttempt
{
    [BindProperty(SupportsGet = true)]
    [EmailLookup]
    public string Email { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string Code { get; set; } = "";

    [BindProperty]
    [Required(ErrorMessage = "Choose a new password.")]
    [DataType(DataType.Password)]
    public string Password { get; set; } = "";

    string? IAccountAttempt.AttemptedAccount => Email;

    public void OnGet()
    {
        Response.Headers.CacheControl = "no-store";
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        const string invalidLink = "This reset link is not valid or has expired. Ask for a new one.";
        if (!ModelState.IsValid)
        {
            // The email and code are hidden fields from the link: a refusal of either (text that cannot be stored) is a broken link.
            if (ModelState.GetFieldValidationState(nameof(Email)) == ModelValidationState.Invalid
                || ModelState.GetFieldValidationState(nameof(Code)) == ModelValidationState.Invalid)
            {
                ModelState.AddModelError("", invalidLink);
            }

            return Page();
        }

        // The rules the API's reset applies too (AccountService): one save with the password, the lockout cleared, every
        // other session ended and, for an address not yet verified, its first proof.
        var reset = await accounts.ResetPasswordAsync(Email, Code, Password, HttpContext.Connection.RemoteIpAddress?.ToString(), cancellationToken);
        if (!reset.IsSuccess)
        {
            var passwordErrors = reset.Error!.Fields?.GetValueOrDefault("newPassword");
            ModelState.AddModelError(passwordErrors is null ? "" : nameof(Password), passwordErrors is null ? reset.Error.Message : string.Join(" ", passwordErrors));
            return Page();
        }

        if (reset.Value.FirstProof && reset.Value.User.DisabledAt is null)
        {
            // The address was proven just now: the person sees what the account holds before anything else.
            await signInManager.SignInAsync(reset.Value.User, isPersistent: true);
            return LocalRedirect(ProvenModel.PathFor("/"));
        }

        TempData["Notice"] = "Your password was changed. Sign in with the new one.";
        return RedirectToPage("/Account/Login");
    }
}
