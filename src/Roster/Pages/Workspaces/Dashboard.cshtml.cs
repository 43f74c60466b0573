using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Roster.Features.Accounts;
using Roster.Features.Permissions;
using Roster.Features.Workspaces;

namespace Roster.Pages.Workspaces;

public sealed class DashboardModel(WorkspaceService workspaces, UserManager<User> users) : WorkspacePageModel(workspaces, users)
{
    /// <summary>The dashboard's areas; each is served by its own product service and links from here.</summary>
    public static IReadOnlyList<(string Name, string Description)> Menus { get; } =
    [
        ("A/B Test", "Run experiments and compare variations."),
        ("Feature Flag", "Turn features on for chosen users."),
        ("Remote Config", "Change app settings without a release."),
        ("Analytics", "Explore events, funnels and retention."),
        ("Data Management", "Manage events, properties and data sources."),
        ("CRM", "Reach users with targeted campaigns."),
    ];

    public string Access => Header.Workspace.Permission == BuiltInPermissions.Viewer ? "Read-only" : "Edit";

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!await LoadHeaderAsync(cancellationToken))
        {
            return NotFound();
        }

        // Remembered so the dashboard opens this workspace next time (spec 5: "the last one used opens by default").
        await Workspaces.RememberLastUsedAsync(Header.User.Id, WorkspaceId, cancellationToken);
        return Page();
    }
}
