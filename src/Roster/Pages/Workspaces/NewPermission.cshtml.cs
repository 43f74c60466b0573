using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Roster.Features.Accounts;
using Roster.Features.Permissions;
using Roster.Features.Workspaces;
using Roster.Infrastructure.Authorization;

namespace Roster.Pages.Workspaces;

/// <summary>Permission Management > + Create Permission (Admins): a new custom permission.</summary>
public sealed class NewPermissionModel(WorkspaceService workspaces, UserManager<User> users, PermissionService permissions, MenuCatalog menus)
    : PermissionFormModel(workspaces, users, permissions, menus)
{
    public override string Heading => "Create Permission";

    public override string SubmitLabel => "Create Permission";

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) =>
        await LoadHeaderAsync(cancellationToken) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var result = await Permissions.CreateAsync(Actor.From(HttpContext), WorkspaceId, ToRequest(), cancellationToken);
        if (!result.IsSuccess)
        {
            if (!await LoadHeaderAsync(cancellationToken))
            {
                return NotFound();
            }

            ShowError(result.Error!);
            return Page();
        }

        TempData["Notice"] = $"The permission {result.Value.Permission.Name} was created. Invitations can grant it now.";
        return RedirectToPage("/Workspaces/Permissions", new { workspaceId = WorkspaceId });
    }
}
