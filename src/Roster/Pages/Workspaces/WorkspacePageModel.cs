using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Roster.Features.Accounts;
using Roster.Features.Permissions;
using Roster.Features.Workspaces;
using Roster.Infrastructure.Authorization;

namespace Roster.Pages.Workspaces;

/// <summary>What the dashboard header shows: the workspace, the switcher, the person's menu and Invite or Settings.</summary>
public sealed record WorkspaceHeader(WorkspaceResponse Workspace, IReadOnlyList<WorkspaceResponse> Workspaces, User User)
{
    public bool IsAdmin => Workspace.Permission == BuiltInPermissions.Admin;

    /// <summary>Spec 1.2: an Admin still alone in the workspace (onboarding) sees Invite; everyone else sees Settings.</summary>
    public bool ShowsInvite => IsAdmin && Workspace.MemberCount == 1;
}

/// <summary>A page inside a workspace (<c>/w/{workspaceId}/...</c>); the policy has already checked membership.</summary>
[Authorize(Policy = WorkspacePolicies.Member)]
public abstract class WorkspacePageModel(WorkspaceService workspaces, UserManager<User> users) : PageModel
{
    [FromRoute]
    public Guid WorkspaceId { get; set; }

    public WorkspaceHeader Header { get; private set; } = null!;

    protected WorkspaceService Workspaces { get; } = workspaces;

    protected async Task<bool> LoadHeaderAsync(CancellationToken cancellationToken)
    {
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return false;
        }

        // The switcher's list already holds this workspace, with the caller's permission and the member count.
        var workspaces = await Workspaces.ListForUserAsync(user.Id, cancellationToken);
        if (workspaces.FirstOrDefault(w => w.Id == WorkspaceId) is not { } workspace)
        {
            return false;
        }

        Header = new WorkspaceHeader(workspace, workspaces, user);
        return true;
    }
}
