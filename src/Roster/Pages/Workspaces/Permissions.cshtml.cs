using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Roster.Features.Accounts;
using Roster.Features.Permissions;
using Roster.Features.Workspaces;
using Roster.Infrastructure.Authorization;

namespace Roster.Pages.Workspaces;

/// <summary>
/// Settings > Permission Management (Admins): the workspace's permissions with how many hold each and what they
/// grant; custom ones can be edited and, once nobody holds them, deleted.
/// </summary>
[Authorize(Policy = WorkspacePolicies.Admin)]
public sealed class PermissionsModel(WorkspaceService workspaces, UserManager<User> users, PermissionService permissions, MenuCatalog menus)
    : SettingsPageModel(workspaces, users, permissions)
{
    protected override SettingsSection Section => SettingsSection.Permissions;

    public IReadOnlyList<PermissionSummary> Summaries { get; private set; } = [];

    /// <summary>
    /// What a permission allows, in a few lines, as the evaluator decides it: administration first, then the
    /// grants per menu (one line when every menu gets the same).
    /// </summary>
    public IReadOnlyList<string> Summarize(PermissionSnapshot permission)
    {
        var lines = new List<string>();
        if (PermissionEvaluator.CanAdminister(permission))
        {
            lines.Add("Administers the workspace: members, invitations, permissions, settings and API keys");
        }

        var grants = PermissionEvaluator.GrantsOnEveryMenu(permission, menus);
        if (grants.Count > 0 && grants.All(entry => entry.Grants == grants[0].Grants))
        {
            lines.Add(grants[0].Grants == Grants.None
                ? "No access to any menu"
                : grants[0].Grants == Grants.All ? "Every grant on every menu" : $"{GrantList(grants[0].Grants)} on every menu");
            return lines;
        }

        lines.AddRange(grants.Where(entry => entry.Grants != Grants.None).Select(entry => $"{entry.Menu.Name}: {GrantList(entry.Grants)}"));
        return lines;
    }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) =>
        await LoadAsync(cancellationToken) ? Page() : NotFound();

    public async Task<IActionResult> OnPostDeleteAsync(Guid permissionId, CancellationToken cancellationToken)
    {
        var result = await Permissions.DeleteAsync(Actor.From(HttpContext), WorkspaceId, permissionId, cancellationToken);
        if (!result.IsSuccess)
        {
            if (!await LoadAsync(cancellationToken))
            {
                return NotFound();
            }

            ErrorMessage = Describe(result.Error!);
            return Page();
        }

        TempData["Notice"] = $"The permission {result.Value.Name} was deleted.";
        return RedirectToPage(new { workspaceId = WorkspaceId });
    }

    private static string GrantList(Grants grants) => string.Join(", ", GrantNames.Each.Where(g => grants.HasFlag(g)).Select(g => g.ToDisplay()));

    private async Task<bool> LoadAsync(CancellationToken cancellationToken)
    {
        if (!await LoadHeaderAsync(cancellationToken))
        {
            return false;
        }

        Summaries = await Permissions.ListAsync(WorkspaceId, withMemberCounts: true, cancellationToken);
        return true;
    }
}
