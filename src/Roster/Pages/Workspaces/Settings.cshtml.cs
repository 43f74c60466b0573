using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Roster.Features.Accounts;
using Roster.Features.EmailInvitations;
using Roster.Features.Invitations;
using Roster.Features.Members;
using Roster.Features.Permissions;
using Roster.Features.Workspaces;
using Roster.Infrastructure.Authorization;
using Roster.Infrastructure.Web;

namespace Roster.Pages.Workspaces;

/// <summary>
/// Settings > Workspace: the workspace's size and Leave for everyone in it; its name, invitation links, Revoke, Invite
/// and Delete for Admins. Members are listed in Settings > Members.
/// </summary>
public sealed class SettingsModel(
    WorkspaceService workspaces,
    UserManager<User> users,
    PermissionService permissions,
    MemberService members,
    InvitationService invitations,
    EmailInvitationService emailInvitations,
    IAuthorizationService authorization) : SettingsPageModel(workspaces, users, permissions)
{
    /// <summary>How many names each link's "joined through it" cell shows before "and N more".</summary>
    private const int NamesPerLink = 5;

    private IReadOnlyDictionary<Guid, JoinedThroughLink> joinedThrough = new Dictionary<Guid, JoinedThroughLink>();

    protected override SettingsSection Section => SettingsSection.Workspace;

    public IReadOnlyList<InvitationLinkResponse> Links { get; private set; } = [];

    /// <summary>Pending and expired email invitations (Admins), each with its delivery status, Resend and Revoke.</summary>
    public IReadOnlyList<EmailInvitationResponse> EmailInvitations { get; private set; } = [];

    /// <summary>How many open email invitations the workspace has; the page shows the most recent <see cref="PageRequest.MaxLimit"/>.</summary>
    public int EmailInvitationsTotal { get; private set; }

    /// <summary>Links that have not ended (active, or refusing everyone for now): listed first, each with Revoke.</summary>
    public IReadOnlyList<InvitationLinkResponse> LiveLinks => [.. Links.Where(link => !IsPast(link))];

    /// <summary>Expired, revoked and used-up links: folded below the live ones, each with why it stopped.</summary>
    public IReadOnlyList<InvitationLinkResponse> PastLinks => [.. Links.Where(IsPast)];

    /// <summary>The rename form's name (Admins).</summary>
    [BindProperty]
    public string? Name { get; set; }

    /// <summary>The delete form's confirmation: the workspace's name, typed again.</summary>
    [BindProperty]
    public string? ConfirmName { get; set; }

    /// <summary>The rename form's field error, shown beside the field.</summary>
    public string? NameError { get; private set; }

    /// <summary>The current members who joined through the link (spec 4: "with who joined through each").</summary>
    public string JoinedThrough(Guid linkId)
    {
        if (!joinedThrough.TryGetValue(linkId, out var joined) || joined.Total == 0)
        {
            return "";
        }

        var names = string.Join(", ", joined.Names);
        return joined.Total > joined.Names.Count ? $"{names} and {joined.Total - joined.Names.Count} more" : names;
    }

    /// <summary>Whether the link has ended for good: expired, revoked or used up (an inactive one may work again).</summary>
    public static bool IsPast(InvitationLinkResponse link) => link.Status is "expired" or "revoked" or "used_up";

    /// <summary>"3 of 10", or "3, no limit" for a link without a maximum.</summary>
    public static string DescribeUses(InvitationLinkResponse link) => link.MaxUses is { } max
        ? string.Create(CultureInfo.InvariantCulture, $"{link.Uses} of {max}")
        : string.Create(CultureInfo.InvariantCulture, $"{link.Uses}, no limit");

    /// <summary>
    /// Why a link that is neither expired, revoked nor used up refuses everyone: the service reports "inactive"
    /// when its permission was deleted or its creator no longer administers the workspace (spec 3: a link cannot
    /// outlive its creator's rights). Null for every other status.
    /// </summary>
    public static string? InactiveReason(InvitationLinkResponse link) => link.Status != "inactive"
        ? null
        : link.PermissionId is null || link.Permission is null
            ? "The permission it grants was deleted."
            : $"{link.CreatedByName}, who created it, is no longer an Admin.";

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken))
        {
            return NotFound();
        }

        Name = Header.Workspace.Name;
        return Page();
    }

    /// <summary>Renames the workspace (Admins); a bad name is a field error beside the field.</summary>
    public async Task<IActionResult> OnPostRenameAsync(CancellationToken cancellationToken)
    {
        if (!(await authorization.AuthorizeAsync(User, HttpContext, WorkspacePolicies.Admin)).Succeeded)
        {
            return Forbid();
        }

        var result = await Workspaces.RenameAsync(Actor.From(HttpContext), WorkspaceId, Name, cancellationToken);
        if (!result.IsSuccess)
        {
            if (!await LoadAsync(cancellationToken))
            {
                return NotFound();
            }

            NameError = result.Error!.Fields?.GetValueOrDefault("name")?.FirstOrDefault() ?? Describe(result.Error!);
            return Page();
        }

        TempData["Notice"] = $"The workspace is now called {result.Value.Name}.";
        return RedirectToPage(new { workspaceId = WorkspaceId });
    }

    /// <summary>
    /// Deletes the workspace (Admins), once its name is typed again: a deletion cannot be undone, and the name is the
    /// proof that the right workspace is meant (as GitHub asks for a repository's name).
    /// </summary>
    public async Task<IActionResult> OnPostDeleteAsync(CancellationToken cancellationToken)
    {
        if (!(await authorization.AuthorizeAsync(User, HttpContext, WorkspacePolicies.Admin)).Succeeded)
        {
            return Forbid();
        }

        if (!await LoadHeaderAsync(cancellationToken))
        {
            return NotFound();
        }

        if (!string.Equals((ConfirmName ?? "").Trim(), Header.Workspace.Name, StringComparison.Ordinal))
        {
            return await ShowErrorAsync($"Type the workspace's name, {Header.Workspace.Name}, to delete it. Nothing was deleted.", cancellationToken);
        }

        var result = await Workspaces.DeleteAsync(Actor.From(HttpContext), WorkspaceId, cancellationToken);
        if (!result.IsSuccess)
        {
            return await ShowErrorAsync(Describe(result.Error!), cancellationToken);
        }

        TempData["Notice"] = $"{result.Value} was deleted.";
        return LocalRedirect("/");
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid linkId, CancellationToken cancellationToken)
    {
        if (!(await authorization.AuthorizeAsync(User, HttpContext, WorkspacePolicies.Admin)).Succeeded)
        {
            return Forbid();
        }

        var result = await invitations.RevokeLinkAsync(Actor.From(HttpContext), WorkspaceId, linkId, cancellationToken);
        if (!result.IsSuccess)
        {
            return await ShowErrorAsync(Describe(result.Error!), cancellationToken);
        }

        TempData["Notice"] = $"Link {result.Value.Fingerprint} was revoked. Nobody can join through it any more.";
        return RedirectToPage(new { workspaceId = WorkspaceId });
    }

    /// <summary>Sends an email invitation again: a new link and 7 more days; the old link stops working (Admins).</summary>
    public async Task<IActionResult> OnPostResendEmailInvitationAsync(Guid invitationId, CancellationToken cancellationToken)
    {
        if (!(await authorization.AuthorizeAsync(User, HttpContext, WorkspacePolicies.Admin)).Succeeded)
        {
            return Forbid();
        }

        var result = await emailInvitations.ResendAsync(Actor.From(HttpContext), WorkspaceId, invitationId, cancellationToken);
        if (!result.IsSuccess)
        {
            return await ShowErrorAsync(result.Error!.Message, cancellationToken);
        }

        TempData["Notice"] = $"The invitation to {result.Value.Email} was sent again, with a new link.";
        return RedirectToPage(new { workspaceId = WorkspaceId });
    }

    /// <summary>Revokes an email invitation at once (Admins).</summary>
    public async Task<IActionResult> OnPostRevokeEmailInvitationAsync(Guid invitationId, CancellationToken cancellationToken)
    {
        if (!(await authorization.AuthorizeAsync(User, HttpContext, WorkspacePolicies.Admin)).Succeeded)
        {
            return Forbid();
        }

        var result = await emailInvitations.RevokeAsync(Actor.From(HttpContext), WorkspaceId, invitationId, cancellationToken);
        if (!result.IsSuccess)
        {
            return await ShowErrorAsync(result.Error!.Message, cancellationToken);
        }

        TempData["Notice"] = "The invitation was revoked. Its link no longer works.";
        return RedirectToPage(new { workspaceId = WorkspaceId });
    }

    /// <summary>
    /// Leaves the workspace (any member; the page asks for confirmation first). The last Admin is refused by the
    /// service's last-Admin rule and stays, with the reason on the page.
    /// </summary>
    public async Task<IActionResult> OnPostLeaveAsync(CancellationToken cancellationToken)
    {
        if (!await LoadHeaderAsync(cancellationToken))
        {
            return NotFound();
        }

        var result = await members.RemoveAsync(Actor.From(HttpContext), WorkspaceId, Header.User.Id, cancellationToken);
        if (!result.IsSuccess)
        {
            return await ShowErrorAsync(Describe(result.Error!), cancellationToken);
        }

        // "/" opens another workspace of theirs, or offers to create one when this was their only one.
        TempData["Notice"] = $"You left {Header.Workspace.Name}.";
        return LocalRedirect("/");
    }

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

        Name ??= Header.Workspace.Name;

        if (Header.IsAdmin)
        {
            Links = await invitations.ListLinksAsync(WorkspaceId, cancellationToken);
            joinedThrough = await members.JoinedThroughLinksAsync(WorkspaceId, NamesPerLink, cancellationToken);
            var emailInvitationPage = (await emailInvitations.ListAsync(WorkspaceId, PageRequest.First(PageRequest.MaxLimit), cancellationToken)).Value;
            EmailInvitations = emailInvitationPage.Items;
            EmailInvitationsTotal = emailInvitationPage.Total;
        }

        return true;
    }
}
