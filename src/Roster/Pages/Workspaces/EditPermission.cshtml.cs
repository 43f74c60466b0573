using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Roster.Features.Accounts;
using Roster.Features.Permissions;
using Roster.Features.Plans;
using Roster.Features.Workspaces;
using Roster.Infrastructure.Authorization;

namespace Roster.Pages.Workspaces;

/// <summary>
/// Permission Management > Edit (Admins): renames a custom permission or changes its grants. Members hold its
/// id, so their memberships stay; their access follows on their next request. A built-in one is shown, fixed.
/// </summary>
public sealed class EditPermissionModel(WorkspaceService workspaces, UserManager<User> users, PermissionService permissions, MenuCatalog menus)
    : PermissionFormModel(workspaces, users, permissions, menus)
{
    [FromRoute]
    public Guid PermissionId { get; set; }

    /// <summary>The permission as stored (its name before any rename posted here).</summary>
    public PermissionSummary Current { get; private set; } = null!;

    public override string Heading => Editable ? $"Edit {Current.Permission.Name}" : Current.Permission.Name;

    /// <summary>A custom permission shown fixed because the plan lacks custom permissions (not a built-in).</summary>
    public bool Locked => !Current.BuiltIn && !Editable;

    public override string SubmitLabel => "Save changes";

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken))
        {
            return NotFound();
        }

        Show(Current.Permission);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var result = await Permissions.UpdateAsync(Actor.From(HttpContext), WorkspaceId, PermissionId, ToRequest(), cancellationToken);
        if (!result.IsSuccess)
        {
            if (!await LoadAsync(cancellationToken))
            {
                return NotFound();
            }

            if (Editable)
            {
                ShowError(result.Error!);
            }
            else
            {
                // A built-in permission posts nothing (its form is disabled): show it as it is, with the reason.
                Show(Current.Permission);
                ErrorMessage = Describe(result.Error!);
            }

            return Page();
        }

        TempData["Notice"] = $"Changes to {result.Value.Permission.Name} were saved. Its {result.Value.Members} {(result.Value.Members == 1 ? "member has" : "members have")} the new grants from their next page.";
        return RedirectToPage("/Workspaces/Permissions", new { workspaceId = WorkspaceId });
    }

    private async Task<bool> LoadAsync(CancellationToken cancellationToken)
    {
        if (!await LoadHeaderAsync(cancellationToken))
        {
            return false;
        }

        var found = await Permissions.GetAsync(WorkspaceId, PermissionId, cancellationToken);
        if (!found.IsSuccess)
        {
            return false;
        }

        Current = found.Value;

        // A plan without custom permissions shows them fixed, as built-ins are: the service refuses changes anyway.
        Editable = !Current.BuiltIn && Header.Has(PlanFeature.CustomPermissions);
        return true;
    }
}
