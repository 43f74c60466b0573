using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Roster.Features.Accounts;
using Roster.Features.Audit;

namespace Roster.Pages.Account;

/// <summary>
/// Account settings (<c>/account</c>, signed in): who you are and your recent sign-in activity (SPEC section 7: the
/// person sees their sign-ins). Sections are separate partial blocks so later features (profile, password,
/// sessions, tokens) add their own beside these.
/// </summary>
[Authorize]
public sealed class IndexModel(UserManager<User> users, AuditLogReader reader) : PageModel
{
    /// <summary>How many sign-in events the page shows.</summary>
    public const int RecentSignIns = 20;

    public User Account { get; private set; } = null!;

    public IReadOnlyList<SignInEvent> SignIns { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await users.GetUserAsync(User) is not { } account)
        {
            return Challenge();
        }

        Account = account;
        SignIns = await reader.RecentSignInsAsync(account.Id, RecentSignIns, cancellationToken);
        return Page();
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
}
