using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Roster.Features.Accounts;
using Roster.Features.Permissions;
using Roster.Features.Plans;
using Roster.Features.Workspaces;

namespace Roster.Pages.Workspaces;

/// <summary>
/// Settings > Plan (everyone in the workspace): the plan, seats used of allowed, every plan side by side, and how a
/// plan changes (the operator's command line: self-hosted Roster has no billing).
/// </summary>
public sealed class PlanModel(WorkspaceService workspaces, UserManager<User> users, PermissionService permissions, PlanCatalog plans)
    : SettingsPageModel(workspaces, users, permissions)
{
    protected override SettingsSection Section => SettingsSection.Plan;

    /// <summary>Every plan of this server, smallest first.</summary>
    public IReadOnlyList<Plan> Plans => plans.All;

    public Plan Current => Header.Workspace.Plan;

    public int Members => Header.Workspace.MemberCount;

    /// <summary>The seats bar's words: "3 of 5 members", or "3 members" with no limit.</summary>
    public string Seats => Current.MemberLimit is { } limit
        ? $"{Members} of {limit} {(limit == 1 ? "member" : "members")}"
        : $"{Members} {(Members == 1 ? "member" : "members")}";

    /// <summary>The features the current plan lacks, each with the smallest plan that has it (null: none does).</summary>
    public IEnumerable<(PlanFeature Feature, Plan? UnlockedBy)> Locked =>
        PlanFeatures.All.Where(feature => !Current.Has(feature)).Select(feature => (feature, plans.CheapestWith(feature)));

    /// <summary>The operator's command that moves this workspace to another plan.</summary>
    public string Command(Plan plan) => $"dotnet run --project src/Roster -- plan set {Header.Workspace.Id} {plan.Name}";

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) =>
        await LoadHeaderAsync(cancellationToken) ? Page() : NotFound();
}
