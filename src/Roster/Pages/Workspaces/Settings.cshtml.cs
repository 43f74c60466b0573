using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Roster.Features.Accounts;
using Roster.Features.Invitations;
using Roster.Features.Members;
using Roster.Features.Permissions;
using Roster.Features.Workspaces;
using Roster.Infrastructure.Authorization;
using Roster.Infrastructure.Web;

namespace Roster.Pages.Workspaces;

/// <summary>Settings > Workspace: members for everyone in it; links, Revoke and Invite for Admins.</summary>
public sealed class SettingsModel(
    WorkspaceService workspaces,
    UserManager<User> users,
    PermissionService permissions,
    MemberService members,
    InvitationService invitations,
    IAuthorizationService authorization) : WorkspacePageModel(workspaces, users, permissions)
{
    public IReadOnlyList<MemberSummary> Members { get; private set; } = [];

    public IReadOnlyList<InvitationLinkResponse> Links { get; private set; } = [];

    /// <summary>The current members who joined through the link (spec 4: "with who joined through each").</summary>
    public IEnumerable<string> JoinedThrough(Guid linkId) =>
        Members.Where(member => member.InvitationLinkId == linkId).Select(member => member.Name);

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!await LoadHeaderAsync(cancellationToken))
        {
            return NotFound();
        }

        Members = (await members.ListAsync(WorkspaceId, search: null, PageRequest.First(), cancellationToken)).Value.Items;
        if (Header.IsAdmin)
        {
            Links = await invitations.ListLinksAsync(WorkspaceId, cancellationToken);
        }

        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid linkId, CancellationToken cancellationToken)
    {
        if (!(await authorization.AuthorizeAsync(User, HttpContext, WorkspacePolicies.Admin)).Succeeded)
        {
            return Forbid();
        }

        var result = await invitations.RevokeLinkAsync(Actor.From(HttpContext), WorkspaceId, linkId, cancellationToken);
        TempData["Notice"] = result.IsSuccess
            ? $"Link {result.Value.Fingerprint} was revoked. Nobody can join through it any more."
            : result.Error!.Message;
        return RedirectToPage(new { workspaceId = WorkspaceId });
    }
}
