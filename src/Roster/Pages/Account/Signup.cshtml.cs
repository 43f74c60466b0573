using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Roster.Features.Accounts;
using Roster.Features.Invitations;
using Roster.Infrastructure.Text;
using Roster.Infrastructure.Web;

namespace Roster.Pages.Account;

/// <summary>
/// Sign-up with a password. Whether or not the address already has an account, the answer is the same page ("Check your
/// email to finish"): a new account gets its verification link (which signs the person in and continues to their
/// workspace or the invitation they came with), an address that has an account gets an email to its owner with a
/// sign-in and a reset link. Signing the new account in at once would answer a new address differently from a taken
/// one (the redirect against the form), which told anyone which addresses have accounts (issue 7 item 7). This keeps
/// the journey at one form and one link, shorter than asking for the address first and the password after it.
/// </summary>
[EnableRateLimiting(RateLimits.Credentials)]
[LimitedPerAccount]
public sealed class SignupModel(AccountService accounts, SignInCompletion completion, InvitationService invitations, SignUpBrowser signUpBrowser)
    : SignInPageModel(invitations, completion), IAccountAttempt
{
    [BindProperty]
    [Required(ErrorMessage = "Enter your name.")]
    [StorableText(Features.Accounts.User.NameMaxLength, ErrorMessage = "Keep your name to 100 characters.")]
    public string Name { get; set; } = "";

    [BindProperty]
    [Required(ErrorMessage = "Enter your email.")]
    [DeliverableEmail]
    [DataType(DataType.EmailAddress)]
    [StringLength(EmailAddresses.MaxLength, ErrorMessage = "That email address is too long.")]
    public string Email { get; set; } = "";

    [BindProperty]
    [Required(ErrorMessage = "Choose a password.")]
    [DataType(DataType.Password)]
    public string Password { get; set; } = "";

    /// <summary>True once the form was accepted: the page asks the person to open the email.</summary>
    public bool Sent { get; private set; }

    string? IAccountAttempt.AttemptedAccount => Email;

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        await LoadInvitationAsync(cancellationToken);
        if (!ModelState.IsValid)
        {
            return Page();
        }

        // The rules the API's register applies too (AccountService), including the answer for a taken address.
        var registered = await accounts.RegisterAsync(Email, Password, Name, Invite, cancellationToken);
        if (!registered.IsSuccess)
        {
            foreach (var (field, messages) in registered.Error!.Fields ?? new Dictionary<string, string[]>())
            {
                var key = field switch { "email" => nameof(Email), "password" => nameof(Password), "name" => nameof(Name), _ => "" };
                foreach (var message in messages)
                {
                    ModelState.AddModelError(key, message);
                }
            }

            return Page();
        }

        // The verification link opened in this browser keeps the password just chosen; elsewhere it asks for it.
        signUpBrowser.Mark(HttpContext, registered.Value.Created?.Id);
        Sent = true;
        return Page();
    }
}
