using Microsoft.AspNetCore.Mvc;
using Roster.Features.CompanyDomains;
using Roster.Features.JoinRequests;
using Roster.Infrastructure.Web;

namespace Roster.Pages.Workspaces;

/// <summary>What Settings > Workspace's "Company domain" and "Requests to join" sections show (Admins).</summary>
public sealed record CompanyDomainSection(
    WorkspaceHeader Header,
    CompanyDomainSettings Settings,
    IReadOnlyList<PendingJoinRequest> Requests,
    bool JoinNotices,
    string? DomainInput,
    string? Error,
    string? ErrorField)
{
    /// <summary>The permissions people may join as automatically, or be approved with: every one but Admin for automatic.</summary>
    public IEnumerable<Features.Permissions.PermissionSnapshot> AutoJoinChoices =>
        Header.InvitablePermissions.Where(p => !Features.Permissions.PermissionEvaluator.CanAdminister(p));
}

/// <summary>
/// Settings > Workspace's company-domain section and pending join requests (<c>_CompanyDomain.cshtml</c>), for Admins.
/// Its forms post to <see cref="JoinSettingsModel"/>, which comes back here with a notice or the refusal in TempData.
/// </summary>
public sealed class CompanyDomainSectionViewComponent(CompanyDomainService companyDomains, JoinRequestService joinRequests, JoinNoticeSettings notices) : ViewComponent
{
    /// <summary>TempData keys of a refused change: the message, the field, and the domain as it was typed.</summary>
    public const string ErrorKey = "CompanyDomainError";
    public const string ErrorFieldKey = "CompanyDomainErrorField";
    public const string DomainInputKey = "CompanyDomainInput";

    public async Task<IViewComponentResult> InvokeAsync(WorkspaceHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        if (!header.IsAdmin)
        {
            return Content("");
        }

        var cancellationToken = HttpContext.RequestAborted;
        var settings = await companyDomains.GetAsync(header.Workspace.Id, cancellationToken);
        if (settings is null)
        {
            return Content("");
        }

        // The oldest 200 (the API pages through the rest); an Admin works through them from the top.
        var requests = (await joinRequests.ListPendingAsync(header.Workspace.Id, PageRequest.First(PageRequest.MaxLimit), cancellationToken)).Value.Items;
        var wantsNotices = await notices.GetAsync(header.Workspace.Id, header.User.Id, cancellationToken) ?? true;
        var section = new CompanyDomainSection(
            header, settings, requests, wantsNotices, TempData[DomainInputKey] as string ?? settings.Domain, TempData[ErrorKey] as string, TempData[ErrorFieldKey] as string);
        return View("/Pages/Workspaces/_CompanyDomain.cshtml", section);
    }
}
