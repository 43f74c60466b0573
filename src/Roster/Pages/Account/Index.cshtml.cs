using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Roster.Features.Accounts;
using Roster.Features.AccountSettings;
using Roster.Features.Audit;
using Roster.Infrastructure.Errors;

namespace Roster.Pages.Account;

/// <summary>
/// Account settings > Profile (<c>/account</c>, signed in): the name, the email address and its change (verified at
/// the NEW address before anything changes: SPEC section 2), and the recent sign-in activity (SPEC section 7).
/// </summary>
[Authorize]
public sealed class IndexModel(UserManager<User> users, AuditLogReader reader, AccountSettingsService settings) : PageModel
{
    /// <summary>How many sign-in events the page shows.</summary>
    public const int RecentSignIns = 20;

    public User Account { get; private set; } = null!;

    public IReadOnlyList<SignInEvent> SignIns { get; private set; } = [];

    public PendingEmailChange? Pending { get; private set; }

    public bool HasPassword { get; private set; }

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string? NewEmail { get; set; }

    [BindProperty]
    public string? CurrentPassword { get; set; }

    public Dictionary<string, string> Errors { get; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) =>
        await LoadAsync(cancellationToken) ? Page() : Challenge();

    public async Task<IActionResult> OnPostNameAsync(CancellationToken cancellationToken)
    {
        if (await users.GetUserAsync(User) is not { } account)
        {
            return Challenge();
        }

        var result = await settings.ChangeNameAsync(account, Name);
        if (!result.IsSuccess)
        {
            Collect(result.Error!);
            await LoadAsync(cancellationToken);
            return Page();
        }

        TempData["Notice"] = "Your name was saved.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostEmailAsync(CancellationToken cancellationToken)
    {
        if (await users.GetUserAsync(User) is not { } account)
        {
            return Challenge();
        }

        var result = await settings.RequestEmailChangeAsync(account, NewEmail, CurrentPassword, cancellationToken);
        CurrentPassword = null;
        if (!result.IsSuccess)
        {
            Collect(result.Error!);
            await LoadAsync(cancellationToken);
            return Page();
        }

        // The same words whether or not the address has an account: the page never says which.
        TempData["Notice"] = $"We sent a link to {result.Value.NewEmail}. Your address changes when you open it and confirm.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostResendAsync(CancellationToken cancellationToken)
    {
        if (await users.GetUserAsync(User) is not { } account)
        {
            return Challenge();
        }

        var result = await settings.ResendEmailChangeAsync(account, cancellationToken);
        TempData["Notice"] = result.IsSuccess ? $"We sent a new link to {result.Value.NewEmail}. The previous one no longer works." : result.Error!.Message;
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostCancelAsync(CancellationToken cancellationToken)
    {
        await settings.CancelEmailChangeAsync(Roster.Infrastructure.Authorization.ClaimsPrincipalExtensions.UserId(User), cancellationToken);
        TempData["Notice"] = "The email change was cancelled. Its link no longer works.";
        return RedirectToPage();
    }

    /// <summary>What an account event says to its owner; each action (and a refused sign-in's reason) its own words.</summary>
    public static string Describe(SignInEvent signIn) => (signIn.Action, signIn.Reason) switch
    {
        (AuditActions.SignInSucceeded, _) => "Signed in",
        (AuditActions.SignInLockedOut, _) => "Locked out after too many failed attempts",
        (AuditActions.SignInFailed, "auth.account_disabled") => "Refused: the account is disabled",
        (AuditActions.SignInFailed, _) => "Failed: wrong password",
        (AuditActions.AccountDisabled, _) => "Account disabled by the operator",
        (AuditActions.AccountEnabled, _) => "Account enabled by the operator",
        (AuditActions.AccountAddressProven, _) => "Email address verified; other sessions signed out",
        _ => signIn.Action,
    };

    private void Collect(Error error)
    {
        foreach (var (field, messages) in error.Fields ?? new Dictionary<string, string[]>())
        {
            Errors[field] = messages[0];
        }
    }

    private async Task<bool> LoadAsync(CancellationToken cancellationToken)
    {
        if (await users.GetUserAsync(User) is not { } account)
        {
            return false;
        }

        Account = account;
        Name ??= account.Name;
        HasPassword = await users.HasPasswordAsync(account);
        Pending = await settings.FindPendingAsync(account.Id, cancellationToken);
        SignIns = await reader.RecentSignInsAsync(account.Id, RecentSignIns, cancellationToken);
        return true;
    }
}
