using Microsoft.AspNetCore.Identity;
using Roster.Features.Accounts;
using Roster.Features.Permissions;
using Roster.Features.Workspaces;

namespace Roster.Pages.Workspaces;

/// <summary>The sections of a workspace's Settings, in the order the navigation lists them.</summary>
public enum SettingsSection
{
    Workspace,
    Members,
    Permissions,
    ApiKeys,
    Plan,
    AuditLog,
}

/// <summary>What the Settings navigation shows: the sections the person may open, and which one they are on.</summary>
public sealed record SettingsNavigation(WorkspaceHeader Header, SettingsSection Current)
{
    /// <summary>
    /// Workspace, Members and Plan for everyone in it; Permission Management, API keys and the Audit log for those who administer it,
    /// as the evaluator decides (through <see cref="WorkspaceHeader.IsAdmin"/>). The pages' policies guard them too.
    /// </summary>
    public IEnumerable<(SettingsSection Section, string Name, string Path)> Sections
    {
        get
        {
            var root = $"/w/{Header.Workspace.Id}/settings";
            yield return (SettingsSection.Workspace, "Workspace", $"{root}/workspace");
            yield return (SettingsSection.Members, "Members", $"{root}/members");
            if (Header.IsAdmin)
            {
                yield return (SettingsSection.Permissions, "Permission Management", $"{root}/permissions");
                yield return (SettingsSection.ApiKeys, "API keys", $"{root}/api-keys");
                yield return (SettingsSection.AuditLog, "Audit log", $"{root}/audit-log");
            }

            yield return (SettingsSection.Plan, "Plan", $"{root}/plan");
        }
    }
}

/// <summary>A page of Settings (<c>/w/{workspaceId}/settings/...</c>): the workspace header and the Settings navigation.</summary>
public abstract class SettingsPageModel(WorkspaceService workspaces, UserManager<User> users, PermissionService permissions)
    : WorkspacePageModel(workspaces, users, permissions)
{
    /// <summary>Which section this page is, for the navigation's <c>aria-current</c>.</summary>
    protected abstract SettingsSection Section { get; }

    public SettingsNavigation Navigation => new(Header, Section);

    /// <summary>What went wrong with the form just posted, shown at the top of the page (null when nothing did).</summary>
    public string? ErrorMessage { get; protected set; }
}
