using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Roster.Features.Accounts;
using Roster.Infrastructure.Authorization;
using Roster.Infrastructure.Text;

namespace Roster.Pages.Account;

/// <summary>
/// The link in the verification email. Opening it only shows a button; confirming is a POST, so a mail scanner or link
/// preview that fetches the link confirms nothing. The first confirmation of an address (<see cref="AddressProof"/>)
/// signs the person in, as any proof of the mailbox may, and continues where sign-up was going: the invitation it came
/// with, else their workspace (created on a first sign-in); an account that already belongs to workspaces shows them
/// first (<c>/account/proven</c>).
/// </summary>
public sealed class ConfirmEmailModel(
    AccountService accounts, AddressProof proof, SignInManager<User> signInManager, SignInCompletion completion, SignUpBrowser signUpBrowser) : PageModel
{
    /// <summary>Shown beside the password field when the password given is not the account's (or it is locked for now).</summary>
    public const string WrongPasswordMessage =
        "That is not the password this account was created with, or the account is locked for a few minutes after too many attempts.";

    /// <summary>Shown once the address is verified.</summary>
    public const string VerifiedNotice = "Your email address is verified.";

    [BindProperty(SupportsGet = true)]
    public string? UserId { get; set; }

    [BindProperty(SupportsGet = true)]
    public string Code { get; set; } = "";

    /// <summary>The invitation the person signed up through, joined once they confirm.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Invite { get; set; }

    /// <summary>
    /// The password chosen at sign-up, asked for when the link is opened in another browser than the one that signed up
    /// (<see cref="AccountService.ConfirmEmailAsync"/>: the link proves the mailbox, the password who chose it).
    /// </summary>
    [BindProperty]
    [DataType(DataType.Password)]
    [StorableText(AuthApi.SecretMaxLength)]
    public string? Password { get; set; }

    /// <summary>True when the page asks for the password (another browser, no password or a wrong one given).</summary>
    public bool NeedsPassword { get; private set; }

    /// <summary>True once the address is verified and nobody is signed in by it (already verified, or a disabled account).</summary>
    public bool Confirmed { get; private set; }

    /// <summary>True when the link's account or code does not match (unknown, wrong, expired: one message).</summary>
    public bool Invalid { get; private set; }

    /// <summary>Shows the button (and the password field when this is not the browser that signed up); changes nothing.</summary>
    public void OnGet()
    {
        Response.Headers.CacheControl = "no-store";

        // Another browser than the one that signed up asks for the password at once (a browser signed in to the account
        // may still be let through without it by the POST).
        NeedsPassword = !signUpBrowser.IsMarked(HttpContext, UserId) && User.FindUserId()?.ToString() != UserId;
    }

    /// <summary>
    /// Confirms with <see cref="AccountService.ConfirmEmailAsync"/>; the first proof signs the person in and continues
    /// (the invitation, the workspace, or <c>/account/proven</c>); a needed or wrong password shows the field again.
    /// </summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var confirmed = await accounts.ConfirmEmailAsync(
            UserId, Code, User, signUpBrowser.IsMarked(HttpContext, UserId), Password, HttpContext.Connection.RemoteIpAddress?.ToString(), cancellationToken);
        if (confirmed.Error == AccountService.PasswordToConfirm)
        {
            NeedsPassword = true;
            if (!string.IsNullOrEmpty(Password))
            {
                ModelState.AddModelError(nameof(Password), WrongPasswordMessage);
            }

            return Page();
        }

        if (!confirmed.IsSuccess)
        {
            Invalid = true;
            return Page();
        }

        // A disabled account's address is proven like any other, but nobody is signed into it (nor joins anything as it).
        if (!confirmed.Value.FirstProof || confirmed.Value.User.DisabledAt is not null)
        {
            Confirmed = true;
            return Page();
        }

        var user = confirmed.Value.User;
        var inherited = await proof.WorkspacesAsync(user.Id, cancellationToken);
        await signInManager.SignInAsync(user, isPersistent: true);
        var outcome = await completion.CompleteAsync(user, Invite, returnUrl: null, Url, cancellationToken);
        if (inherited.Count > 0)
        {
            return LocalRedirect(ProvenModel.PathFor(outcome.RedirectUrl));
        }

        TempData["Notice"] = outcome.Notice ?? VerifiedNotice;
        return LocalRedirect(outcome.RedirectUrl);
    }
}
