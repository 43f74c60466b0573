using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Roster.Features.Accounts;
using Roster.Features.AccountSettings;

namespace Roster.Pages.Account;

/// <summary>
/// The page an email change's link opens (<c>/account/email-change?token=...</c>). GET only shows the new address and
/// a button: a mail scanner that follows the link changes nothing. The POST confirms. The token alone is the proof
/// (it reached the new address, and only a signed-in owner, with their password, could ask for it), so it works in
/// any browser; when the owner is signed in here, their session is re-issued (the change rotated the stamp).
/// </summary>
public sealed class EmailChangeModel(AccountSettingsService settings, UserManager<User> users, SignInManager<User> signIn) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    public PendingEmailChange? Change { get; private set; }

    public string? ConfirmedEmail { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        Change = await settings.FindByTokenAsync(Token, cancellationToken);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        var signedIn = users.GetUserId(User);
        var result = await settings.ConfirmEmailChangeAsync(Token, cancellationToken);
        if (!result.IsSuccess)
        {
            return Page();
        }

        var user = result.Value;
        if (signedIn == user.Id.ToString())
        {
            await signIn.RefreshSignInAsync(user);
        }

        ConfirmedEmail = user.Email;
        return Page();
    }
}
