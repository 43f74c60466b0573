using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Roster.Features.Workspaces;
using Roster.Infrastructure.Authorization;
using Roster.Infrastructure.Text;

namespace Roster.Pages.Workspaces;

/// <summary>
/// The forms of the dashboard's "Get started" card and of the email reminder: save (or keep) the workspace's name,
/// dismiss the card, dismiss the reminder. Each is a POST with the antiforgery token and answers with a redirect to the
/// dashboard (post, redirect, get), so a reload never posts twice; there is no GET.
/// </summary>
[Authorize(Policy = WorkspacePolicies.Member)]
public sealed class OnboardingModel(WorkspaceService workspaces, OnboardingService onboarding, IAuthorizationService authorization) : PageModel
{
    /// <summary>Where the card reads the name that was refused, to show it again beside its error.</summary>
    public const string RefusedNameKey = "Onboarding.RefusedName";

    /// <summary>Where the card reads the name's field error.</summary>
    public const string NameErrorKey = "Onboarding.NameError";

    [FromRoute]
    public Guid WorkspaceId { get; set; }

    /// <summary>The name the card's first step saves: the one typed, or the suggested one kept.</summary>
    [BindProperty]
    public string? Name { get; set; }

    /// <summary>
    /// Step 1: saves the name (Admins), through the same use case and audit entry as Settings and the API's PATCH.
    /// Keeping the suggested name counts as choosing it. A refused name comes back as a field error on the card.
    /// </summary>
    public async Task<IActionResult> OnPostNameAsync(CancellationToken cancellationToken)
    {
        if (!(await authorization.AuthorizeAsync(User, HttpContext, WorkspacePolicies.Admin)).Succeeded)
        {
            return Forbid();
        }

        var result = await workspaces.RenameAsync(Actor.From(HttpContext), WorkspaceId, Name, cancellationToken);
        if (result.IsSuccess)
        {
            TempData["Notice"] = $"Saved. Your workspace is called {result.Value.Name}.";
        }
        else
        {
            TempData[NameErrorKey] = result.Error!.Fields?.GetValueOrDefault("name")?.FirstOrDefault() ?? result.Error!.Message;

            // Shown again only when it can be carried in the cookie and the page (no unpaired surrogate, no NUL).
            if (Name is not null && Name.Length <= 4 * Workspace.NameMaxLength && StorableText.Problem(Name) is null)
            {
                TempData[RefusedNameKey] = Name;
            }
        }

        return Dashboard();
    }

    /// <summary>Puts the "Get started" card away for this person in this workspace, for good.</summary>
    public async Task<IActionResult> OnPostDismissAsync(CancellationToken cancellationToken)
    {
        await onboarding.DismissAsync(WorkspaceId, User.UserId(), cancellationToken);
        TempData["Notice"] = "Get started is hidden. You can still invite people with Invite, or from Settings > Workspace.";
        return Dashboard();
    }

    /// <summary>Puts away the reminder to confirm the email address, for this person.</summary>
    public async Task<IActionResult> OnPostDismissEmailReminderAsync(CancellationToken cancellationToken)
    {
        await onboarding.DismissEmailReminderAsync(User.UserId(), cancellationToken);
        return Dashboard();
    }

    private LocalRedirectResult Dashboard() => LocalRedirect($"/w/{WorkspaceId}");
}
