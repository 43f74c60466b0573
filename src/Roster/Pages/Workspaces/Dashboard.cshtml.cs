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

    /// <summary>
    /// What a menu card says about the person's grants there, in words: first what they may do with its screens
    /// ("You can view, create, edit and delete", "Read only", "No access"), then what they may do with its data.
    /// The evaluator decided the grants; this only words them.
    /// </summary>
    public static MenuAccess DescribeAccess(Grants grants)
    {
        if (grants == Grants.None)
        {
            return new MenuAccess("none", ["No access"]);
        }

        var (level, first) = grants.HasFlag(Grants.Edit) ? ("edit", "You can view, create, edit and delete")
            : grants.HasFlag(Grants.ReadOnly) ? ("read", "Read only")
            : ("none", "No access to its screens");
        List<string> lines = [first];
        if (grants.HasFlag(Grants.DataDownload))
        {
            lines.Add("You can download its raw data");
        }

        if (grants.HasFlag(Grants.DataRead))
        {
            lines.Add("You can see its data-collection status");
        }

        return new MenuAccess(level, lines);
    }

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

/// <summary>A menu card's words: <paramref name="Level"/> (<c>edit</c>, <c>read</c>, <c>none</c>) styles the first line.</summary>
public sealed record MenuAccess(string Level, IReadOnlyList<string> Lines);
