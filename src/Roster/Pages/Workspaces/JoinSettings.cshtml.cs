using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Roster.Features.CompanyDomains;
using Roster.Features.JoinRequests;
using Roster.Infrastructure.Authorization;
using Roster.Infrastructure.Errors;

namespace Roster.Pages.Workspaces;

/// <summary>
/// The forms of Settings > Workspace's company-domain section (Admins): the domain and join policy, approving or
/// declining a request, the Admin's own join emails. Each POST goes back to Settings > Workspace with a notice, or
/// with the refusal shown beside the form (TempData); a GET only goes back (it changes nothing).
/// </summary>
[Authorize(Policy = WorkspacePolicies.Admin)]
public sealed class JoinSettingsModel(CompanyDomainService companyDomains, JoinRequestService joinRequests, JoinNoticeSettings notices) : PageModel
{
    [FromRoute]
    public Guid WorkspaceId { get; set; }

    /// <summary>The domain field ("" clears it).</summary>
    [BindProperty]
    public string? CompanyDomain { get; set; }

    /// <summary><c>off</c>, <c>request</c> or <c>automatic</c>.</summary>
    [BindProperty]
    public string? JoinPolicy { get; set; }

    /// <summary>The permission of automatic join, by id.</summary>
    [BindProperty]
    public string? AutoJoinPermission { get; set; }

    /// <summary>The permission to approve a request with, by id.</summary>
    [BindProperty]
    public string? Permission { get; set; }

    /// <summary>Whether the Admin wants the join emails (a checkbox: absent means off).</summary>
    [BindProperty]
    public bool JoinNotices { get; set; }

    private string SettingsPath => $"/w/{WorkspaceId}/settings/workspace";

    public IActionResult OnGet() => LocalRedirect(SettingsPath);

    public async Task<IActionResult> OnPostDomainAsync(CancellationToken cancellationToken)
    {
        var change = new CompanyDomainChange(DomainGiven: true, CompanyDomain, JoinPolicy, AutoJoinPermission);
        var result = await companyDomains.UpdateAsync(Actor.From(HttpContext), WorkspaceId, change, cancellationToken);
        if (!result.IsSuccess)
        {
            return Refused(result.Error!, keepDomain: true);
        }

        var settings = result.Value;
        TempData["Notice"] = settings.Domain is null
            ? "The workspace has no company domain now: nobody is offered to join it by their email address."
            : $"Saved: people with a verified email at {settings.Domain} {Describe(settings)}.";
        return LocalRedirect($"{SettingsPath}#company-domain-title");
    }

    public async Task<IActionResult> OnPostApproveAsync(Guid requestId, CancellationToken cancellationToken)
    {
        var result = await joinRequests.ApproveAsync(Actor.From(HttpContext), WorkspaceId, requestId, Permission, cancellationToken);
        if (!result.IsSuccess)
        {
            return Refused(result.Error!, keepDomain: false);
        }

        TempData["Notice"] = $"{result.Value.Name} joined as {result.Value.Permission}. They were told by email.";
        return LocalRedirect($"{SettingsPath}#join-requests-title");
    }

    public async Task<IActionResult> OnPostDeclineAsync(Guid requestId, CancellationToken cancellationToken)
    {
        var result = await joinRequests.DeclineAsync(Actor.From(HttpContext), WorkspaceId, requestId, cancellationToken);
        if (!result.IsSuccess)
        {
            return Refused(result.Error!, keepDomain: false);
        }

        TempData["Notice"] = $"You declined {result.Value.Name}'s request. They were told by email.";
        return LocalRedirect($"{SettingsPath}#join-requests-title");
    }

    public async Task<IActionResult> OnPostNoticesAsync(CancellationToken cancellationToken)
    {
        if (!await notices.SetAsync(WorkspaceId, User.UserId(), JoinNotices, cancellationToken))
        {
            return NotFound();
        }

        TempData["Notice"] = JoinNotices
            ? "You will get an email when someone asks to join or joins."
            : "You will no longer get an email when someone asks to join or joins.";
        return LocalRedirect($"{SettingsPath}#join-requests-title");
    }

    private static string Describe(CompanyDomainSettings settings) => settings.Policy switch
    {
        Features.CompanyDomains.JoinPolicy.Off => "are not offered to join",
        Features.CompanyDomains.JoinPolicy.Automatic => $"join automatically as {settings.AutoJoinPermission}",
        _ => "can ask to join",
    };

    private LocalRedirectResult Refused(Error error, bool keepDomain)
    {
        TempData[CompanyDomainSectionViewComponent.ErrorKey] = error.Fields?.Values.SelectMany(messages => messages).FirstOrDefault() ?? error.Message;
        TempData[CompanyDomainSectionViewComponent.ErrorFieldKey] = error.Fields?.Keys.FirstOrDefault();
        if (keepDomain)
        {
            TempData[CompanyDomainSectionViewComponent.DomainInputKey] = CompanyDomain ?? "";
        }

        return LocalRedirect($"{SettingsPath}#{(keepDomain ? "company-domain-title" : "join-requests-title")}");
    }
}
