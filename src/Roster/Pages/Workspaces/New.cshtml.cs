using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Roster.Features.Accounts;
using Roster.Features.Workspaces;
using Roster.Infrastructure.Authorization;

namespace Roster.Pages.Workspaces;

/// <summary>
/// <c>Create workspace</c> from the header's workspace menu (issue 8, part 5): asks the name, and the POST (antiforgery,
/// as every form) creates the workspace through <see cref="WorkspaceService.CreateAsync"/>, with the person as its Admin,
/// and opens it, which makes it their last used one. Anyone signed in may create one; the GET only shows the form.
/// </summary>
[Authorize]
public sealed class NewWorkspaceModel(WorkspaceService workspaces) : PageModel
{
    /// <summary>The new workspace's name (1 to <see cref="Workspace.NameMaxLength"/> characters after trimming).</summary>
    [BindProperty]
    public string? Name { get; set; }

    /// <summary>The name's field error, shown beside the field.</summary>
    public string? NameError { get; private set; }

    public void OnGet()
    {
    }

    /// <summary>Creates the workspace and opens it; a refused name comes back as a field error, and nothing is created.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var result = await workspaces.CreateAsync(Actor.From(HttpContext), new CreateWorkspaceRequest(Name), cancellationToken);
        if (!result.IsSuccess)
        {
            NameError = result.Error!.Fields?.GetValueOrDefault("name")?.FirstOrDefault() ?? result.Error!.Message;
            return Page();
        }

        TempData["Notice"] = $"{result.Value.Name} is ready. You are its Admin.";
        return LocalRedirect(SignInCompletion.WorkspaceUrl(result.Value.Id));
    }
}
