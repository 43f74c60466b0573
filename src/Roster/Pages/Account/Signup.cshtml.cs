using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Roster.Features.Accounts;
using Roster.Features.Invitations;
using Roster.Infrastructure.Text;
using Roster.Infrastructure.Web;

namespace Roster.Pages.Account;

[EnableRateLimiting(RateLimits.Credentials)]
[LimitedPerAccount]
public sealed class SignupModel(
    UserManager<User> users,
    SignInManager<User> signInManager,
    SignInCompletion completion,
    InvitationService invitations,
    AccountEmails emails) : SignInPageModel(invitations, completion), IAccountAttempt
{
    [BindProperty]
    [Required(ErrorMessage = "Enter your name.")]
    [StorableText(Features.Accounts.User.NameMaxLength, ErrorMessage = "Keep your name to 100 characters.")]
    public string Name { get; set; } = "";

    [BindProperty]
    [Required(ErrorMessage = "Enter your email.")]
    [EmailAddress(ErrorMessage = "Enter an email address such as name@example.com.")]
    [StringLength(254, ErrorMessage = "That email address is too long.")]
    public string Email { get; set; } = "";

    [BindProperty]
    [Required(ErrorMessage = "Choose a password.")]
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

        var email = Email.Trim();
        var existing = await users.FindByEmailAsync(email);
        if (existing is not null)
        {
            // The address has an account. If the password is theirs, this is simply a sign-in. Otherwise the
            // owner is told by email, and the page answers as it would for a failed sign-in: it never says
            // "this address is taken" (sign-up is also rate limited per client).
            var signIn = await signInManager.PasswordSignInAsync(existing, Password, isPersistent: true, lockoutOnFailure: true);
            if (signIn.Succeeded)
            {
                return await CompleteAsync(existing, cancellationToken);
            }

            if (signIn.IsNotAllowed)
            {
                // The right password for a disabled account (RosterSignInManager): its owner is told why.
                ModelState.AddModelError("", AccountErrors.Disabled.Message);
                return Page();
            }

            await emails.SendAlreadyRegisteredAsync(email, cancellationToken);
            ModelState.AddModelError("", "We could not create an account with these details. If you already have an account, sign in or reset your password; we have also sent you an email.");
            return Page();
        }

        var user = new Features.Accounts.User { UserName = email, Email = email, Name = Name.Trim() };
        var created = await users.CreateAsync(user, Password);
        if (!created.Succeeded)
        {
            foreach (var error in created.Errors)
            {
                ModelState.AddModelError(error.Code.StartsWith("Password", StringComparison.Ordinal) ? nameof(Password) : "", error.Description);
            }

            return Page();
        }

        await emails.SendVerificationAsync(user, cancellationToken);
        await signInManager.SignInAsync(user, isPersistent: true);
        return await CompleteAsync(user, cancellationToken);
    }
}
