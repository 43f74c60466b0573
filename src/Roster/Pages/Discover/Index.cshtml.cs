using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Roster.Features.Accounts;
using Roster.Features.CompanyDomains;
using Roster.Features.JoinRequests;
using Roster.Features.Workspaces;
using Roster.Infrastructure.Authorization;

namespace Roster.Pages.Discover;

/// <summary>
/// "Your team may already use Roster" (SPEC sections 1.1 and 5): shown instead of a new workspace to someone whose
/// verified email is on a workspace's company domain. Each matching workspace with its name and member count, with
/// <c>Request to join</c> or <c>Join</c>; and <c>Create a new workspace anyway</c>. Everything that changes is a POST.
/// Someone with nothing to discover is sent to the front door.
/// </summary>
[Authorize]
public sealed class IndexModel(DiscoveryService discovery, JoinRequestService joinRequests, WorkspaceService workspaces, UserManager<User> users) : PageModel
{
    public IReadOnlyList<DiscoverableWorkspace> Workspaces { get; private set; } = [];

    /// <summary>What asking did, or why it was refused.</summary>
    public string? Message { get; private set; }

    /// <summary>Whether the person belongs to a workspace already (then the page offers to open it rather than create one).</summary>
    public bool HasWorkspace { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        if (Workspaces.Count == 0)
        {
            return LocalRedirect("/");
        }

        Message = TempData["DiscoverNotice"] as string;
        return Page();
    }

    /// <summary>Asks to join, or joins at once under the automatic policy (then opens the workspace).</summary>
    public async Task<IActionResult> OnPostJoinAsync(Guid workspaceId, CancellationToken cancellationToken)
    {
        var result = await joinRequests.RequestAsync(Actor.From(HttpContext), workspaceId, cancellationToken);
        if (!result.IsSuccess)
        {
            await LoadAsync(cancellationToken);
            Message = result.Error == JoinRequestErrors.RateLimited || result.Error!.Fields is null ? result.Error!.Message : result.Error.Fields.Values.First()[0];
            return Workspaces.Count == 0 ? LocalRedirect("/") : Page();
        }

        var request = result.Value.Request;
        if (request.Status == "joined")
        {
            TempData["Notice"] = $"You joined {request.WorkspaceName} as {request.Permission}";
            return LocalRedirect(SignInCompletion.WorkspaceUrl(request.WorkspaceId));
        }

        TempData["DiscoverNotice"] = $"You asked to join {request.WorkspaceName}. Its Admins were told; you will get an email when one of them answers.";
        return RedirectToPage();
    }

    /// <summary>Creates a workspace of their own after all (one already theirs is opened instead).</summary>
    public async Task<IActionResult> OnPostCreateAsync(CancellationToken cancellationToken)
    {
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        var created = await workspaces.EnsureWorkspaceAsync(user, Workspace.DefaultNameFor(user.DisplayName), cancellationToken);
        return created.IsSuccess ? LocalRedirect(SignInCompletion.WorkspaceUrl(created.Value)) : LocalRedirect("/");
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var userId = User.UserId();
        Workspaces = await discovery.ListAsync(userId, cancellationToken);
        HasWorkspace = await workspaces.DefaultWorkspaceIdAsync(userId, cancellationToken) is not null;
    }
}
