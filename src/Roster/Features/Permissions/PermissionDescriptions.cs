namespace Roster.Features.Permissions;

/// <summary>
/// One line that says what a permission grants, for the invitation popup ("Can edit A/B Test and CRM; view
/// Analytics; no administration"). Computed from the evaluator's answer for every menu, so it never compares names
/// and a custom permission or a menu added to configuration reads right at once.
/// </summary>
public static class PermissionDescriptions
{
    /// <summary>What the Admin permission grants: everything, administration included.</summary>
    public const string Administration = "Everything, including members, invitation links, permissions, API keys, the plan and workspace settings";

    /// <summary>
    /// Describes the permission: for one that administers, <see cref="Administration"/>; otherwise its menus grouped
    /// by what it grants on them, strongest first, with "every menu" when all menus read alike.
    /// </summary>
    public static string Describe(PermissionSnapshot permission, MenuCatalog menus)
    {
        if (PermissionEvaluator.CanAdminister(permission))
        {
            return Administration;
        }

        var groups = PermissionEvaluator.GrantsOnEveryMenu(permission, menus)
            .GroupBy(entry => entry.Grants)
            .OrderByDescending(group => Strength(group.Key))
            .Select(group => (Grants: group.Key, Menus: group.Select(entry => entry.Menu.Name).ToList()))
            .ToList();
        if (groups.Count == 0 || groups is [{ Grants: Grants.None }])
        {
            return "No access to any menu yet; no administration";
        }

        var phrases = groups.Select(group => Phrase(group.Grants, groups.Count == 1 ? "every menu" : JoinNames(group.Menus)));
        return $"Can {string.Join("; ", phrases)}; no administration";
    }

    /// <summary>Orders groups so that the line starts with what the permission can do most.</summary>
    private static int Strength(Grants grants) =>
        (grants.HasFlag(Grants.Edit) ? 8 : 0) + (grants.HasFlag(Grants.ReadOnly) ? 4 : 0)
        + (grants.HasFlag(Grants.DataDownload) ? 2 : 0) + (grants.HasFlag(Grants.DataRead) ? 1 : 0);

    private static string Phrase(Grants grants, string menus)
    {
        if (grants == Grants.None)
        {
            return $"no access to {menus}";
        }

        var data = string.Join(" and ", new[]
        {
            grants.HasFlag(Grants.DataDownload) ? "data download" : null,
            grants.HasFlag(Grants.DataRead) ? "data-collection status" : null,
        }.OfType<string>());
        var main = grants.HasFlag(Grants.Edit) ? $"edit {menus}"
            : grants.HasFlag(Grants.ReadOnly) ? $"view {menus}"
            : null;
        return main is null ? $"see only the {data} of {menus}"
            : data.Length == 0 ? main
            : $"{main} (with {data})";
    }

    /// <summary>"A", "A and B", "A, B and C".</summary>
    private static string JoinNames(List<string> names) =>
        names.Count == 1 ? names[0] : $"{string.Join(", ", names.Take(names.Count - 1))} and {names[^1]}";
}
