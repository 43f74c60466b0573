using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Roster.Features.Accounts;
using Roster.Features.Invitations;
using Roster.Features.Permissions;
using Roster.Infrastructure.Authorization;
using Roster.Infrastructure.Errors;
using Roster.Infrastructure.Web;

namespace Roster.Pages.Invite;

/// <summary>
/// The page an invitation link opens. GET only shows (a mail scanner or link preview consumes nothing);
/// joining is the POST of the <c>Join</c> button or of a sign-in that carries the invitation.
/// </summary>
[EnableRateLimiting(RateLimits.Links)]
public sealed class IndexModel(InvitationService invitations, UserManager<User> users) : PageModel
{
    [FromRoute]
    public string Token { get; set; } = "";

    public FoundInvitation? Invitation { get; private set; }

    public Error? Problem { get; private set; }

    public User? CurrentUser { get; private set; }

    /// <summary>The signed-in person's permission when they already belong to the workspace.</summary>
    public PermissionSnapshot? ExistingPermission { get; private set; }

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
            return RedirectToPage("/Account/Login", new { invite = Token });
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

    /// <summary>Renders the same verdict the API's preview and accept give (<see cref="InvitationService.CheckAsync"/>).</summary>
    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var userId = User.FindUserId();
        var verdict = await invitations.CheckAsync(Token, userId, cancellationToken);
        Invitation = verdict.Invitation;
        Problem = verdict.Problem;
        ExistingPermission = verdict.ExistingPermission;
        if (userId is not null && Invitation is not null)
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
        problem == InvitationErrors.AlreadyMember ? StatusCodes.Status200OK : problem.Kind.StatusCode();

    /// <summary>The token is the credential: keep it out of caches and out of the Referer of any onward request.</summary>
    private void ProtectToken()
    {
        Response.Headers.CacheControl = "no-store";
        Response.Headers["Referrer-Policy"] = "no-referrer";
    }
}
