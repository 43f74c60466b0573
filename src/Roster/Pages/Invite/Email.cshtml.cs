using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Roster.Features.Accounts;
using Roster.Features.EmailInvitations;
using Roster.Features.Permissions;
using Roster.Infrastructure.Authorization;
using Roster.Infrastructure.Errors;
using Roster.Infrastructure.Web;

namespace Roster.Pages.Invite;

/// <summary>
/// The page an email invitation's link opens (<c>/invite/email/{token}</c>). GET only shows (a mail scanner or link
/// preview consumes nothing); accepting is the POST of the <c>Join</c> button or of a sign-in that carries the invitation
/// (<see cref="EmailInvitationLinks.SignInValue"/>). It renders <see cref="EmailInvitationService.CheckAsync"/>'s verdict.
/// </summary>
[EnableRateLimiting(RateLimits.Links)]
public sealed class EmailModel(EmailInvitationService invitations, UserManager<User> users) : PageModel
{
    [FromRoute]
    public string Token { get; set; } = "";

    public FoundEmailInvitation? Found { get; private set; }

    public Error? Problem { get; private set; }

    public User? CurrentUser { get; private set; }

    /// <summary>The signed-in person's permission when they already belong to the workspace.</summary>
    public PermissionSnapshot? ExistingPermission { get; private set; }

    /// <summary>The <c>invite</c> value that carries this invitation through sign-in and sign-up.</summary>
    public string SignInValue => EmailInvitationLinks.SignInValue(Token);

    /// <summary>This page's own path, where switching account or verifying the address comes back to.</summary>
    public string PagePath => EmailInvitationLinks.PagePath(Token);

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        ProtectToken();
        await LoadAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        ProtectToken();
        if (User.FindUserId() is null)
        {
            return RedirectToPage("/Account/Login", new { invite = SignInValue });
        }

        var accepted = await invitations.AcceptAsync(Actor.From(HttpContext), Token, cancellationToken);
        if (accepted.IsSuccess)
        {
            TempData["Notice"] = SignInCompletion.JoinedNotice(accepted.Value);
            return LocalRedirect(SignInCompletion.WorkspaceUrl(accepted.Value.WorkspaceId));
        }

        await LoadAsync(cancellationToken);
        Problem ??= accepted.Error;
        Response.StatusCode = StatusOf(Problem!);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var userId = User.FindUserId();
        var verdict = await invitations.CheckAsync(Token, userId, cancellationToken);
        Found = verdict.Found;
        Problem = verdict.Problem;
        ExistingPermission = verdict.ExistingPermission;
        if (userId is not null && Found is not null)
        {
            CurrentUser = await users.GetUserAsync(User);
        }

        if (Problem is not null)
        {
            Response.StatusCode = StatusOf(Problem);
        }
    }

    /// <summary>"Already a member" is not a failure of the page: it answers 200 with a way into the workspace.</summary>
    private static int StatusOf(Error problem) =>
        problem == EmailInvitationErrors.AlreadyMember ? StatusCodes.Status200OK : problem.Kind.StatusCode();

    /// <summary>The token is the credential: keep it out of caches and out of the Referer of any onward request.</summary>
    private void ProtectToken()
    {
        Response.Headers.CacheControl = "no-store";
        Response.Headers["Referrer-Policy"] = "no-referrer";
    }
}
