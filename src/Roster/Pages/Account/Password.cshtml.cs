using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Roster.Features.Accounts;
using Roster.Features.AccountSettings;
using Roster.Features.Sessions;

namespace Roster.Pages.Account;

/// <summary>
/// Account settings > Password (<c>/account/password</c>). With a password: the current one and a new one (the same
/// validators as sign-up). The change rotates the security stamp, so every other session and bearer token is refused
/// at its next request; this browser's cookie is re-issued and stays signed in. Without a password (an account made
/// by email code or an OpenID provider): the person asks for an emailed link, the reset link, and sets one there. The
/// inbox is the proof: a session left open (or taken) cannot add a password by itself, and the rules and page are
/// the reset's, one path to maintain.
/// </summary>
[Authorize]
public sealed class PasswordModel(UserManager<User> users, SignInManager<User> signIn, AccountSettingsService settings, AccountEmails emails, SessionService sessions) : PageModel
{
    public bool HasPassword { get; private set; }

    public bool LinkSent { get; private set; }

    [BindProperty]
    public string? CurrentPassword { get; set; }

    [BindProperty]
    public string? NewPassword { get; set; }

    public Dictionary<string, string> Errors { get; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        if (await users.GetUserAsync(User) is not { } account)
        {
            return Challenge();
        }

        HasPassword = await users.HasPasswordAsync(account);
        return Page();
    }

    public async Task<IActionResult> OnPostChangeAsync(CancellationToken cancellationToken)
    {
        if (await users.GetUserAsync(User) is not { } account)
        {
            return Challenge();
        }

        HasPassword = await users.HasPasswordAsync(account);
        var result = await settings.ChangePasswordAsync(account, CurrentPassword, NewPassword);
        CurrentPassword = null;
        NewPassword = null;
        if (!result.IsSuccess)
        {
            foreach (var (field, messages) in result.Error!.Fields ?? new Dictionary<string, string[]>())
            {
                Errors[field] = messages[0];
            }

            return Page();
        }

        await EndOtherSessionsAsync(account.Id, cancellationToken);

        // The stamp changed: this browser's cookie is re-issued with the new one, the others are refused.
        await signIn.RefreshSignInAsync(account);
        TempData["Notice"] = "Your password was changed. Every other device was signed out.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostSendLinkAsync(CancellationToken cancellationToken)
    {
        if (await users.GetUserAsync(User) is not { } account)
        {
            return Challenge();
        }

        HasPassword = await users.HasPasswordAsync(account);
        await emails.SendPasswordResetAsync(account, cancellationToken);
        LinkSent = true;
        return Page();
    }

    /// <summary>
    /// Ends every other session of the account (its rows leave the sessions list; the security stamp, changed with the
    /// password, already refuses their cookies and tokens at their next request). This session stays.
    /// </summary>
    private Task<int> EndOtherSessionsAsync(Guid userId, CancellationToken cancellationToken) =>
        sessions.EndAllAsync(userId, User.FindSessionId(), SessionEndReason.PasswordChanged, cancellationToken);
}
