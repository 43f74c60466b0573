using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Roster.Features.Accounts;
using Roster.Features.Members;
using Roster.Features.Permissions;
using Roster.Features.Workspaces;
using Roster.Infrastructure.Authorization;
using Roster.Infrastructure.Text;
using Roster.Infrastructure.Web;

namespace Roster.Pages.Workspaces;

/// <summary>
/// Settings > Members: the workspace's members, 50 a page, with search. Everyone in the workspace reads it;
/// Admins also change a member's permission and remove members (the service keeps the last-Admin rule).
/// </summary>
public sealed class MembersModel(
    WorkspaceService workspaces,
    UserManager<User> users,
    PermissionService permissions,
    MemberService members,
    IAuthorizationService authorization) : SettingsPageModel(workspaces, users, permissions)
{
    protected override SettingsSection Section => SettingsSection.Members;

    /// <summary>The search, <c>?q=</c>: part of a name or an email address.</summary>
    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Query { get; set; }

    /// <summary>The page's cursor, <c>?after=</c>, from the previous page's "Next page" link.</summary>
    [BindProperty(SupportsGet = true, Name = "after")]
    public string? After { get; set; }

    public IReadOnlyList<MemberSummary> Members { get; private set; } = [];

    /// <summary>How many members the workspace has, or how many match the search.</summary>
    public int Total { get; private set; }

    /// <summary>The cursor of the next page; null on the last one.</summary>
    public string? Next { get; private set; }

    /// <summary>What the person may give a member: the workspace's permissions (loaded for Admins only).</summary>
    public IReadOnlyList<PermissionSnapshot> AssignablePermissions => Header.InvitablePermissions;

    public static string JoinedThrough(MemberSummary member) =>
        member.InvitationLinkFingerprint is { } fingerprint ? $"Link {fingerprint}"
        : member.Source switch
        {
            MembershipSource.CreatedWorkspace => "Created the workspace",
            MembershipSource.JoinRequest => "Request to join, approved",
            MembershipSource.CompanyDomain => "Joined with the company domain",
            MembershipSource.EmailInvitation => "Email invitation",
            _ => "An invitation link that no longer exists",
        };

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) =>
        await LoadAsync(cancellationToken) ? Page() : NotFound();

    public async Task<IActionResult> OnPostChangePermissionAsync(Guid userId, string permission, CancellationToken cancellationToken)
    {
        if (!await IsAdminAsync())
        {
            return Forbid();
        }

        var result = await members.ChangePermissionAsync(Actor.From(HttpContext), WorkspaceId, userId, permission, cancellationToken);
        if (!result.IsSuccess)
        {
            return await ShowErrorAsync(Describe(result.Error!), cancellationToken);
        }

        TempData["Notice"] = $"{result.Value.Name} is now {result.Value.Permission.Name}.";
        return BackToList();
    }

    public async Task<IActionResult> OnPostRemoveAsync(Guid userId, CancellationToken cancellationToken)
    {
        if (!await IsAdminAsync())
        {
            return Forbid();
        }

        var result = await members.RemoveAsync(Actor.From(HttpContext), WorkspaceId, userId, cancellationToken);
        if (!result.IsSuccess)
        {
            return await ShowErrorAsync(Describe(result.Error!), cancellationToken);
        }

        if (userId == User.UserId())
        {
            // An Admin who removed themselves has left: this page is no longer theirs to see.
            TempData["Notice"] = "You left the workspace.";
            return LocalRedirect("/");
        }

        TempData["Notice"] = $"{result.Value.Name} was removed from the workspace.";
        return BackToList();
    }

    /// <summary>
    /// Back to the list the form was sent from: its search and cursor, only when they are ones the list reads (a posted
    /// value is the sender's to choose, and would otherwise be echoed into the <c>Location</c> header at any length).
    /// </summary>
    private RedirectToPageResult BackToList()
    {
        var query = Query is { } q && StorableText.Problem(q, MemberService.SearchMaxLength) is null ? q : null;
        var after = KeysetCursor.TryDecode(After, out _, out _) ? After : null;
        return RedirectToPage(new { workspaceId = WorkspaceId, q = query, after });
    }

    private async Task<bool> IsAdminAsync() =>
        (await authorization.AuthorizeAsync(User, HttpContext, WorkspacePolicies.Admin)).Succeeded;

    private async Task<IActionResult> ShowErrorAsync(string message, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken))
        {
            return NotFound();
        }

        ErrorMessage = message;
        return Page();
    }

    private async Task<bool> LoadAsync(CancellationToken cancellationToken)
    {
        if (!await LoadHeaderAsync(cancellationToken))
        {
            return false;
        }

        var page = await members.ListAsync(WorkspaceId, Query, new PageRequest(PageRequest.DefaultLimit, After), cancellationToken);
        if (!page.IsSuccess)
        {
            // A cursor that does not decode or a search that is too long: say so, and list nothing.
            ErrorMessage = Describe(page.Error!);
            return true;
        }

        Members = page.Value.Items;
        Total = page.Value.Total;
        Next = page.Value.Next;
        return true;
    }
}
