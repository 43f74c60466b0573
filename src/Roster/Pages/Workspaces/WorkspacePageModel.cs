using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Roster.Features.Accounts;
using Roster.Features.Permissions;
using Roster.Features.Plans;
using Roster.Features.Workspaces;
using Roster.Infrastructure.Authorization;
using Roster.Infrastructure.Errors;

namespace Roster.Pages.Workspaces;

/// <summary>
/// What the dashboard header shows: the workspace, the switcher, the person's menu and Invite or Settings; and,
/// for those who administer it, the permissions the invitation popup offers.
/// </summary>
public sealed record WorkspaceHeader(
    WorkspaceSummary Workspace, IReadOnlyList<WorkspaceSummary> Workspaces, User User, IReadOnlyList<PermissionSnapshot> InvitablePermissions)
{
    /// <summary>Whether the person administers this workspace, as the evaluator decides.</summary>
    public bool IsAdmin => PermissionEvaluator.CanAdminister(Workspace.Permission);

    /// <summary>Spec 1.2: an Admin still alone in the workspace (onboarding) sees Invite; everyone else sees Settings.</summary>
    public bool ShowsInvite => IsAdmin && Workspace.MemberCount == 1;

    /// <summary>Whether the workspace has as many members as its plan allows: a new link's people cannot join yet.</summary>
    public bool IsFull => !Workspace.Plan.HasSeatFor(Workspace.MemberCount);

    /// <summary>Whether the workspace's plan includes the feature (the dashboard shows it locked otherwise).</summary>
    public bool Has(PlanFeature feature) => Workspace.Plan.Has(feature);

    /// <summary>The person's initials for the account menu's avatar: the first letters of the first two words of their name.</summary>
    public string Initials { get; } = InitialsOf(User.DisplayName);

    /// <summary>Settings > Plan, where the plans are compared.</summary>
    public string PlanPath => $"/w/{Workspace.Id}/settings/plan";

    private static string InitialsOf(string name)
    {
        // Whole text elements, so a name that starts with an emoji or a combining mark is not cut in half.
        var words = name.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var initials = words.Take(2).Select(word => System.Globalization.StringInfo.GetNextTextElement(word));
        return string.Concat(initials).ToUpperInvariant();
    }
}

/// <summary>A page inside a workspace (<c>/w/{workspaceId}/...</c>); the policy has already checked membership.</summary>
[Authorize(Policy = WorkspacePolicies.Member)]
public abstract class WorkspacePageModel(WorkspaceService workspaces, UserManager<User> users, PermissionService permissions) : PageModel
{
    [FromRoute]
    public Guid WorkspaceId { get; set; }

    public WorkspaceHeader Header { get; private set; } = null!;

    protected WorkspaceService Workspaces { get; } = workspaces;

    protected PermissionService Permissions { get; } = permissions;

    /// <summary>
    /// The sentence a person reads for a failed use case: a validation error's first field message (which says
    /// what to change), else the error's own message.
    /// </summary>
    protected static string Describe(Error error) =>
        error.Fields?.Values.SelectMany(messages => messages).FirstOrDefault() ?? error.Message;

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

        var invitable = PermissionEvaluator.CanAdminister(workspace.Permission)
            ? (await Permissions.ListAsync(WorkspaceId, withMemberCounts: false, cancellationToken)).Select(p => p.Permission).ToList()
            : [];
        Header = new WorkspaceHeader(workspace, workspaces, user, invitable);
        return true;
    }
}
