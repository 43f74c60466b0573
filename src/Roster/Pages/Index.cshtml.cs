using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Roster.Features.Accounts;
using Roster.Features.Workspaces;
using Roster.Infrastructure.Authorization;

namespace Roster.Pages;

/// <summary>
/// The dashboard's front door: opens the last used workspace. Someone in no workspace at all (they left, or
/// signed up through the API) is offered to create one; creating is a POST.
/// </summary>
[Authorize]
public sealed class IndexModel(WorkspaceService workspaces, Microsoft.AspNetCore.Identity.UserManager<User> users) : PageModel
{
    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var workspaceId = await workspaces.DefaultWorkspaceIdAsync(User.UserId(), cancellationToken);
        return workspaceId is { } id ? LocalRedirect(SignInCompletion.WorkspaceUrl(id)) : Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        var workspaceId = await workspaces.EnsureWorkspaceAsync(user, cancellationToken);
        return LocalRedirect(SignInCompletion.WorkspaceUrl(workspaceId));
    }
}
