using Microsoft.AspNetCore.Mvc;
using Roster.Features.Workspaces;

namespace Roster.Pages.Workspaces;

/// <summary>What the dashboard's "Get started" card shows: the two steps, the name to save and its error, if any.</summary>
public sealed record OnboardingCard(WorkspaceHeader Header, bool NameChosen, string Name, string? NameError);

/// <summary>
/// The dashboard's "Get started" card (<c>_Onboarding.cshtml</c>), for an Admin who is still the only member: name the
/// workspace, invite the team. It reads the person's progress only in that state, so other dashboards cost no query.
/// </summary>
public sealed class OnboardingCardViewComponent(OnboardingService onboarding) : ViewComponent
{
    /// <summary>The card, or nothing once it was dismissed or someone joined.</summary>
    public async Task<IViewComponentResult> InvokeAsync(WorkspaceHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        if (!header.ShowsInvite)
        {
            return Content("");
        }

        var progress = await onboarding.ProgressAsync(header.Workspace.Id, header.User.Id, HttpContext.RequestAborted);
        if (progress is null || progress.Finished)
        {
            return Content("");
        }

        var error = TempData[OnboardingModel.NameErrorKey] as string;
        var refused = TempData[OnboardingModel.RefusedNameKey] as string;
        var card = new OnboardingCard(header, progress.NameChosen && error is null, error is null ? header.Workspace.Name : refused ?? header.Workspace.Name, error);
        return View("/Pages/Workspaces/_Onboarding.cshtml", card);
    }
}
