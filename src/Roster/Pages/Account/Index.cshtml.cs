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

    public static string Describe(SignInEvent signIn) => signIn.Action switch
    {
        AuditActions.SignInSucceeded => "Signed in",
        AuditActions.SignInLockedOut => "Locked out after too many failed attempts",
        _ => "Failed: wrong password",
    };
}
