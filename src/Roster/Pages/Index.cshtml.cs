using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Roster.Features.Accounts;
using Roster.Features.Workspaces;
using Roster.Infrastructure.Authorization;

namespace Roster.Pages;

/// <summary>
/// The dashboard's front door: opens the last used workspace. Someone in no workspace at all (they left, or
/// signed up through the API) is offered to create one, with its name prefilled (one click accepts it); creating is a POST.
/// </summary>
[Authorize]
public sealed class IndexModel(WorkspaceService workspaces, UserManager<User> users, Features.CompanyDomains.DiscoveryService discovery) : PageModel
{
    /// <summary>The new workspace's name: prefilled with the default a first sign-in would give it.</summary>
    [BindProperty]
    public string? Name { get; set; }

    /// <summary>The name's field error, shown beside the field.</summary>
    public string? NameError { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var workspaceId = await workspaces.DefaultWorkspaceIdAsync(User.UserId(), cancellationToken);
        if (workspaceId is { } id)
        {
            return LocalRedirect(SignInCompletion.WorkspaceUrl(id));
        }

        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        // SPEC section 1.1: their team may be on Roster already (a verified email on a workspace's company domain).
        if (await discovery.AnyAsync(user.Id, cancellationToken))
        {
            return LocalRedirect("/discover");
        }

        Name = Workspace.DefaultNameFor(user.DisplayName);
        return Page();
    }

    /// <summary>Creates the workspace with the name given; someone who has one already is sent to it, and nothing is created.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        var result = await workspaces.EnsureWorkspaceAsync(user, Name, cancellationToken);
        if (!result.IsSuccess)
        {
            NameError = result.Error!.Fields?.GetValueOrDefault("name")?.FirstOrDefault() ?? result.Error!.Message;
            return Page();
        }

        return LocalRedirect(SignInCompletion.WorkspaceUrl(result.Value));
    }
}
