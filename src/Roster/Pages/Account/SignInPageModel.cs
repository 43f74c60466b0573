using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Roster.Features.Accounts;
using Roster.Features.Invitations;

namespace Roster.Pages.Account;

/// <summary>
/// A page that signs someone in (sign-in, sign-up): it carries the invitation they came with, shows what it
/// grants, and ends in <see cref="SignInCompletion"/>.
/// </summary>
public abstract class SignInPageModel(InvitationService invitations, SignInCompletion completion) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Invite { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public FoundInvitation? Invitation { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (User.Identity?.IsAuthenticated == true)
        {
            // Already signed in: the invitation's page offers Join; otherwise the dashboard.
            return LocalRedirect(!string.IsNullOrEmpty(Invite) ? SignInCompletion.InvitationUrl(Invite) : "/");
        }

        await LoadInvitationAsync(cancellationToken);
        return Page();
    }

    protected async Task LoadInvitationAsync(CancellationToken cancellationToken) =>
        Invitation = (await invitations.CheckAsync(Invite, userId: null, cancellationToken)).Invitation;

    protected async Task<IActionResult> CompleteAsync(User user, CancellationToken cancellationToken)
    {
        var outcome = await completion.CompleteAsync(user, Invite, ReturnUrl, Url, cancellationToken);
        TempData["Notice"] = outcome.Notice;
        return LocalRedirect(outcome.RedirectUrl);
    }
}
