using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Roster.Features.Accounts;
using Roster.Features.AccountSettings;
using Roster.Features.Sessions;

namespace Roster.Pages.Account;

/// <summary>
/// The page an email change's link opens (<c>/account/email-change?token=...</c>). GET only shows the new address and
/// a button: a mail scanner that follows the link changes nothing. The POST confirms, for the account that asked only,
/// signed in here (the token shows the new address's owner clicked; the session shows the account's owner did: both
/// are needed, or a stranger could move their own account onto someone's address with that person's click). The
/// session is re-issued (the change rotated the stamp).
/// </summary>
public sealed class EmailChangeModel(AccountSettingsService settings, UserManager<User> users, SignInManager<User> signIn, SessionService sessions) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    public PendingEmailChange? Change { get; private set; }

    public string? ConfirmedEmail { get; private set; }

    /// <summary>Nobody is signed in here: only the account that asked for the change can confirm it, once signed in.</summary>
    public bool NeedsSignIn { get; private set; }

    /// <summary>Sign-in, coming back to this link.</summary>
    public string SignInUrl => $"/login?returnUrl={Uri.EscapeDataString($"/account/email-change?token={Token}")}";

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        Change = await settings.FindByTokenAsync(Token, cancellationToken);
        NeedsSignIn = Change is not null && users.GetUserId(User) is null;
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        if (!Guid.TryParse(users.GetUserId(User), out var signedIn))
        {
            Change = await settings.FindByTokenAsync(Token, cancellationToken);
            NeedsSignIn = Change is not null;
            return Page();
        }

        var result = await settings.ConfirmEmailChangeAsync(Token, signedIn, cancellationToken);
        if (!result.IsSuccess)
        {
            return Page();
        }

        var user = result.Value;
        // The new stamp refuses the other sessions already; their rows end too, so the sessions list stays true.
        await sessions.EndAllAsync(user.Id, User.FindSessionId(), SessionEndReason.EmailChanged, CancellationToken.None);
        await signIn.RefreshSignInAsync(user);

        ConfirmedEmail = user.Email;
        return Page();
    }
}
