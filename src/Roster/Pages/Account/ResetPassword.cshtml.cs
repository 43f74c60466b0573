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
public sealed class ResetPasswordModel(UserManager<User> users, SessionService sessions) : PageModel, IAccountAttempt
{
    [BindProperty(SupportsGet = true)]
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

    public async Task<IActionResult> OnPostAsync()
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

        var user = await users.FindByEmailAsync(Email.Trim());
        var code = AccountEmails.Decode(Code);
        if (user is null || code is null)
        {
            ModelState.AddModelError("", invalidLink);
            return Page();
        }

        var result = await users.ResetPasswordAsync(user, code, Password);
        if (!result.Succeeded)
        {
            foreach (var error in result.Errors)
            {
                ModelState.AddModelError(error.Code == "InvalidToken" ? "" : nameof(Password), error.Code == "InvalidToken" ? invalidLink : error.Description);
            }

            return Page();
        }

        // A reset proves the person reads this mailbox; a lockout from the forgotten password ends too.
        await users.ResetAccessFailedCountAsync(user);
        await users.SetLockoutEndDateAsync(user, null);

        // The new security stamp already refuses every session opened with the old password; ending the rows too keeps
        // the sessions list true (issue 7, item 4: a reset ends the other sessions).
        await sessions.EndAllAsync(user.Id, exceptSessionId: null, SessionEndReason.Reset, CancellationToken.None);
        TempData["Notice"] = "Your password was changed. Sign in with the new one.";
        return RedirectToPage("/Account/Login");
    }
}
