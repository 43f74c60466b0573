using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Roster.Features.Accounts;
using Roster.Features.Invitations;
using Roster.Infrastructure.Authorization;
using Roster.Infrastructure.Errors;
using Roster.Infrastructure.Web;

namespace Roster.Pages.Invite;

/// <summary>
/// The page an invitation link opens. GET only shows (a mail scanner or link preview consumes nothing);
/// joining is the POST of the <c>Join</c> button or of a sign-in that carries the invitation.
/// </summary>
[EnableRateLimiting(RateLimits.Sensitive)]
public sealed class IndexModel(InvitationService invitations, UserManager<User> users, WorkspaceAccess access, TimeProvider time) : PageModel
{
    [FromRoute]
    public string Token { get; set; } = "";

    public FoundInvitation? Invitation { get; private set; }

    public Error? Problem { get; private set; }

    public User? CurrentUser { get; private set; }

    /// <summary>The signed-in person's permission when they already belong to the workspace.</summary>
    public string? ExistingPermission { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        ProtectToken();
        await LoadAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        ProtectToken();
        if (User.Identity?.IsAuthenticated != true)
        {
            return RedirectToPage("/Account/Login", new { invite = Token });
        }

        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return RedirectToPage("/Account/Login", new { invite = Token });
        }

        var accepted = await invitations.AcceptAsync(Token, user.Id, cancellationToken);
        if (accepted.IsSuccess)
        {
            TempData["Notice"] = SignInCompletion.JoinedNotice(accepted.Value);
            return LocalRedirect(SignInCompletion.WorkspaceUrl(accepted.Value.WorkspaceId));
        }

        await LoadAsync(cancellationToken);
        Problem ??= accepted.Error;
        Response.StatusCode = Problem!.Kind.StatusCode();
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Invitation = await invitations.FindAsync(Token, cancellationToken);
        if (Invitation is null)
        {
            Problem = InvitationErrors.NotFound;
        }
        else if (Invitation.Link.StatusAt(time.GetUtcNow()) is var status && status != InvitationLinkStatus.Active)
        {
            Problem = InvitationErrors.ForStatus(status);
        }
        else if (User.Identity?.IsAuthenticated == true && await users.GetUserAsync(User) is { } user)
        {
            CurrentUser = user;
            ExistingPermission = (await access.FindMembershipAsync(Invitation.Link.WorkspaceId, user.Id, cancellationToken))?.Permission;
            if (ExistingPermission is not null)
            {
                Problem = InvitationErrors.AlreadyMember;
            }
            else
            {
                Problem = InvitationService.CheckEmail(Invitation.Link, user);
            }
        }

        if (Problem is not null)
        {
            Response.StatusCode = Problem.Kind == ErrorKind.Conflict ? StatusCodes.Status200OK : Problem.Kind.StatusCode();
        }
    }

    /// <summary>The token is the credential: keep it out of caches and out of the Referer of any onward request.</summary>
    private void ProtectToken()
    {
        Response.Headers.CacheControl = "no-store";
        Response.Headers["Referrer-Policy"] = "no-referrer";
    }
}
