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
public sealed class LoginModel(SignInManager<User> signInManager, AccountService accounts, SignInCompletion completion, InvitationService invitations)
    : SignInPageModel(invitations, completion), IAccountAttempt
{
    // One message for every failure (unknown email, wrong password, locked out, disabled): it never tells whether an
    // account exists, what state it is in, or that a guessed password was right.
    public static readonly string FailureMessage = AccountService.SignInFailed.Message;

    [BindProperty]
    [Required(ErrorMessage = "Enter your email.")]
    [EmailLookup]
    [DataType(DataType.EmailAddress)]
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

        // The rules the API's login applies too (AccountService): the same answer and time for every failure.
        var user = await accounts.CheckPasswordAsync(Email, Password, HttpContext.Connection.RemoteIpAddress?.ToString());
        if (user is null)
        {
            ModelState.AddModelError("", FailureMessage);
            return Page();
        }

        await signInManager.SignInAsync(user, isPersistent: true);
        return await CompleteAsync(user, cancellationToken);
    }
}
