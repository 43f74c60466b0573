using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Roster.Features.Accounts;
using Roster.Features.Permissions;
using Roster.Features.Workspaces;
using Roster.Infrastructure.Authorization;
using Roster.Infrastructure.Errors;

namespace Roster.Pages.Workspaces;

/// <summary>
/// The form of Permission Management's create and edit pages: a name, and a grid of menus x the four grants with
/// an "all" toggle per grant. A ticked cell posts as <c>Cells=&lt;menu key&gt;:&lt;grant&gt;</c>; the service
/// checks the menus and grants and adds implied grants (edit brings read-only), so the page only translates.
/// </summary>
[Authorize(Policy = WorkspacePolicies.Admin)]
public abstract class PermissionFormModel(WorkspaceService workspaces, UserManager<User> users, PermissionService permissions, MenuCatalog menus)
    : SettingsPageModel(workspaces, users, permissions)
{
    private IReadOnlyDictionary<string, Grants> ticked = new Dictionary<string, Grants>();

    protected override SettingsSection Section => SettingsSection.Permissions;

    [BindProperty]
    public string? Name { get; set; }

    /// <summary>The grid's ticked cells, each <c>&lt;menu key&gt;:&lt;grant wire name&gt;</c>.</summary>
    [BindProperty]
    public List<string> Cells { get; set; } = [];

    public IReadOnlyList<Menu> Menus => menus.All;

    /// <summary>The message beside the Name field (empty, too long, taken); null when the name is fine.</summary>
    public string? NameError { get; private set; }

    /// <summary>False for a built-in permission, whose name and grants are fixed: the form shows them, disabled.</summary>
    public bool Editable { get; protected set; } = true;

    public abstract string Heading { get; }

    public abstract string SubmitLabel { get; }

    public bool IsTicked(Menu menu, Grants grant) => ticked.GetValueOrDefault(menu.Key).HasFlag(grant);

    /// <summary>Whether the grant is ticked on every menu (its "all" toggle shows ticked).</summary>
    public bool IsColumnTicked(Grants grant) => Menus.Count > 0 && Menus.All(menu => IsTicked(menu, grant));

    public static string CellValue(Menu menu, Grants grant) => $"{menu.Key}:{grant.ToWire()}";

    /// <summary>What ticking the grant also ticks, as wire names (edit: read-only), so the script need not know the rule.</summary>
    public static string Implied(Grants grant) => string.Join(' ', (grant.WithImplied() & ~grant).ToWireList());

    /// <summary>The label of a grant's column toggle, in the words of the seed's dashboard.</summary>
    public static string ToggleLabel(Grants grant) => grant switch
    {
        Grants.Edit => "All Edit Permissions",
        Grants.ReadOnly => "All Read-only Permissions",
        Grants.DataDownload => "All Data Download Permissions",
        Grants.DataRead => "All Data Read Permissions",
        _ => throw new ArgumentOutOfRangeException(nameof(grant), grant, "Not a single grant."),
    };

    /// <summary>Shows a permission's current grants on every menu, as the evaluator reads them (built-ins included).</summary>
    protected void Show(PermissionSnapshot permission)
    {
        Name = permission.Name;
        ticked = PermissionEvaluator.GrantsOnEveryMenu(permission, menus).ToDictionary(entry => entry.Menu.Key, entry => entry.Grants);
    }

    /// <summary>The posted form as the service's request: grants per menu key, as wire names.</summary>
    protected PermissionRequest ToRequest()
    {
        var grants = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (menu, grant) in ParseCells())
        {
            if (!grants.TryGetValue(menu, out var names))
            {
                grants[menu] = names = [];
            }

            names.Add(grant);
        }

        return new PermissionRequest(Name, grants.ToDictionary(entry => entry.Key, entry => (IReadOnlyList<string>)entry.Value));
    }

    /// <summary>Shows the form as posted, with the service's error beside the field it concerns (or above the form).</summary>
    protected void ShowError(Error error)
    {
        ticked = GrantSet.From(ParseCells()
                .Where(cell => menus.Find(cell.Menu) is not null && GrantNames.TryParse(cell.Grant, out _))
                .Select(cell => new KeyValuePair<string, Grants>(cell.Menu, GrantNames.TryParse(cell.Grant, out var grant) ? grant : Grants.None)))
            .Entries;
        if (error.Code == PermissionErrors.NameTaken.Code)
        {
            NameError = error.Message;
            return;
        }

        if (error.Fields is { } fields)
        {
            NameError = fields.TryGetValue("name", out var messages) ? string.Join(' ', messages) : null;
            var others = fields.Where(field => field.Key != "name").SelectMany(field => field.Value).ToList();
            ErrorMessage = others.Count > 0 ? string.Join(' ', others) : NameError is null ? error.Message : null;
            return;
        }

        ErrorMessage = error.Message;
    }

    // Model binding turns a blank entry of the list into null: it names no menu, and the service refuses it as such.
    private IEnumerable<(string Menu, string Grant)> ParseCells() =>
        Cells.Select(cell => cell ?? "").Select(cell => cell.IndexOf(':', StringComparison.Ordinal) is var colon and >= 0
            ? (cell[..colon], cell[(colon + 1)..])
            : (cell, ""));
}
