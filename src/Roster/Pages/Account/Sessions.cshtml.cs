using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Roster.Features.Sessions;
using Roster.Infrastructure.Authorization;

namespace Roster.Pages.Account;

/// <summary>
/// The person's live sessions (<c>/account/sessions</c>, issue 7 item 4): this device first, then the others with an
/// <c>End</c> button each, and <c>Sign out of all devices</c>, which ends every session including this one and goes
/// back to <c>/login</c>. Both are POSTs with antiforgery; a GET changes nothing.
/// </summary>
[Authorize]
public sealed class SessionsModel(SessionService sessions) : PageModel
{
    /// <summary>The session this request is signed in with (null when it was ended meanwhile).</summary>
    public SessionView? Current { get; private set; }

    /// <summary>Every other live session, most recently seen first.</summary>
    public IReadOnlyList<SessionView> Others { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var list = await sessions.ListAsync(User.UserId(), User.FindSessionId(), cancellationToken);
        Current = list.FirstOrDefault(s => s.Current);
        Others = list.Where(s => !s.Current).ToList();
    }

    /// <summary>Ends one of the person's other sessions; another person's id, or one already ended, changes nothing.</summary>
    public async Task<IActionResult> OnPostEndAsync(Guid id, CancellationToken cancellationToken)
    {
        var ended = await sessions.RevokeAsync(User.UserId(), id, cancellationToken);
        TempData["Notice"] = ended.IsSuccess ? "The session was ended." : "That session had already ended.";
        return RedirectToPage();
    }

    /// <summary>Ends every session of the account, this one too, and signs this browser out.</summary>
    public async Task<IActionResult> OnPostSignOutEverywhereAsync(CancellationToken cancellationToken)
    {
        await sessions.EndAllAsync(User.UserId(), exceptSessionId: null, SessionEndReason.AllSignedOut, cancellationToken);
        await HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
        TempData["Notice"] = "You were signed out of all devices.";
        return RedirectToPage("/Account/Login");
    }
}
