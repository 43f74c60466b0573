using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Roster.Features.Accounts;
using Roster.Features.Permissions;
using Roster.Features.Workspaces;

namespace Roster.Pages.Workspaces;

/// <summary>The workspace's dashboard: each menu with what the person may do there, as the evaluator decides.</summary>
public sealed class DashboardModel(WorkspaceService workspaces, UserManager<User> users, PermissionService permissions, MenuCatalog menus)
    : WorkspacePageModel(workspaces, users, permissions)
{
    /// <summary>Every menu with the grants the person holds on it (none: the menu shows "No access").</summary>
    public IReadOnlyList<(Menu Menu, Grants Grants)> Menus { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!await LoadHeaderAsync(cancellationToken))
        {
            return NotFound();
        }

        Menus = PermissionEvaluator.GrantsOnEveryMenu(Header.Workspace.Permission, menus);

        // Remembered so the dashboard opens this workspace next time (spec 5: "the last one used opens by default").
        await Workspaces.RememberLastUsedAsync(Header.User.Id, WorkspaceId, cancellationToken);
        return Page();
    }
}
