using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Roster.Features.Accounts;
using Roster.Features.Invitations;
using Roster.Infrastructure.Web;

namespace Roster.Pages.Account;

[EnableRateLimiting(RateLimits.Credentials)]
[LimitedPerAccount]
public sealed class LoginModel(SignInManager<User> signInManager, SignInCompletion completion, InvitationService invitations)
    : SignInPageModel(invitations, completion), IAccountAttempt
{
    // One message for every failure (unknown email, wrong password, locked out): it never tells whether an account exists.
    public const string FailureMessage =
        "Email or password is incorrect, or the account is locked for a few minutes after too many attempts.";

    [BindProperty]
    [Required(ErrorMessage = "Enter your email.")]
    [EmailAddress(ErrorMessage = "Enter an email address such as name@example.com.")]
    public string Email { get; set; } = "";

    [BindProperty]
    [Required(ErrorMessage = "Enter your password.")]
    [DataType(DataType.Password)]
    public string Password { get; set; } = "";

    string? IAccountAttempt.AttemptedAccount => Email;

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        await LoadInvitationAsync(cancellationToken);
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var user = await signInManager.UserManager.FindByEmailAsync(Email.Trim());
        var result = user is null
            ? Microsoft.AspNetCore.Identity.SignInResult.Failed
            : await signInManager.PasswordSignInAsync(user, Password, isPersistent: true, lockoutOnFailure: true);
        if (result.IsNotAllowed)
        {
            // Said only after the right password (RosterSignInManager), so a guesser never learns it.
            ModelState.AddModelError("", AccountErrors.Disabled.Message);
            return Page();
        }

        if (!result.Succeeded)
        {
            ModelState.AddModelError("", FailureMessage);
            return Page();
        }

        return await CompleteAsync(user!, cancellationToken);
    }
}
