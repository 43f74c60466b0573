using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Roster.Features.Accounts;
using Roster.Features.Audit;
using Roster.Features.Permissions;
using Roster.Features.Workspaces;
using Roster.Infrastructure.Authorization;
using Roster.Infrastructure.Web;

namespace Roster.Pages.Workspaces;

/// <summary>
/// Settings > Audit log (Admins): the workspace's log, newest first, 50 a page, filtered by actor, action and
/// dates (UTC); downloads as CSV or JSON where the plan includes export, else a notice naming the plan that does.
/// </summary>
[Authorize(Policy = WorkspacePolicies.Admin)]
public sealed class AuditLogModel(WorkspaceService workspaces, UserManager<User> users, PermissionService permissions, AuditLogReader reader)
    : SettingsPageModel(workspaces, users, permissions)
{
    protected override SettingsSection Section => SettingsSection.AuditLog;

    /// <summary><c>?actor=</c>: an email (the field suggests the people in the log and the members) or an id.</summary>
    [BindProperty(SupportsGet = true, Name = "actor")]
    public string? Actor { get; set; }

    /// <summary><c>?action=</c>: one of <see cref="AuditActions.Workspace"/>.</summary>
    [BindProperty(SupportsGet = true, Name = "action")]
    public string? Action { get; set; }

    /// <summary><c>?from=</c>: the first day shown (UTC), <c>yyyy-MM-dd</c>.</summary>
    [BindProperty(SupportsGet = true, Name = "from")]
    public string? From { get; set; }

    /// <summary><c>?to=</c>: the last day shown (UTC), <c>yyyy-MM-dd</c>, included.</summary>
    [BindProperty(SupportsGet = true, Name = "to")]
    public string? To { get; set; }

    /// <summary>The page's cursor, <c>?after=</c>, from the previous page's "Older entries" link.</summary>
    [BindProperty(SupportsGet = true, Name = "after")]
    public string? After { get; set; }

    public IReadOnlyList<AuditItem> Entries { get; private set; } = [];

    public int Total { get; private set; }

    public string? Next { get; private set; }

    /// <summary>The people the actor filter suggests: those seen in the log and the members.</summary>
    public IReadOnlyList<(Guid Id, string Name, string Email)> People { get; private set; } = [];

    /// <summary>Why export is locked (the plan that has it), or null when the plan includes it.</summary>
    public string? ExportLocked { get; private set; }

    /// <summary>The filters as query values, for the pager and the download links.</summary>
    public Dictionary<string, string?> FilterValues => new()
    {
        ["actor"] = Blank(Actor),
        ["action"] = Blank(Action),
        ["from"] = Blank(From),
        ["to"] = Blank(To),
    };

    public bool Filtered => FilterValues.Values.Any(value => value is not null);

    /// <summary>The export's URL in the API, with the page's filters.</summary>
    public string ExportUrl(string format) =>
        $"/api/v1/workspaces/{WorkspaceId}/audit-log/export{QueryString.Create(FilterValues.Where(f => f.Value is not null).Prepend(new("format", format)))}";

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!await LoadHeaderAsync(cancellationToken))
        {
            return NotFound();
        }

        People = await reader.PeopleAsync(WorkspaceId, cancellationToken);
        ExportLocked = (await reader.CheckExportAsync(WorkspaceId, cancellationToken))?.Message;
        var filter = await reader.ParseAsync(new AuditFilterRequest(Actor, Action, From, To), cancellationToken);
        if (!filter.IsSuccess)
        {
            ErrorMessage = Describe(filter.Error!);
            return Page();
        }

        var page = await reader.ListAsync(WorkspaceId, filter.Value, new PageRequest(PageRequest.DefaultLimit, After), cancellationToken);
        if (!page.IsSuccess)
        {
            ErrorMessage = Describe(page.Error!);
            return Page();
        }

        Entries = page.Value.Items;
        Total = page.Value.Total;
        Next = page.Value.Next;
        return Page();
    }

    /// <summary>Who acted, as a person reads it.</summary>
    public static string ActorOf(AuditItem item) => item.ActorType switch
    {
        AuditActorType.User => item.ActorName is null ? "A former user" : item.ActorName == item.ActorEmail ? item.ActorName : $"{item.ActorName} ({item.ActorEmail})",
        AuditActorType.ApiKey => $"API key {item.ActorName ?? "(deleted)"}",
        AuditActorType.Operator => "Operator (command line)",
        _ => "Someone not signed in",
    };

    public static string OutcomeOf(AuditItem item) =>
        item.Outcome == AuditOutcome.Success ? "Done" : $"Refused: {item.Reason}";

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
