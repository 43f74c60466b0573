namespace Roster.Features.Permissions;

/// <summary>
/// A permission as the evaluator needs it: read in the same row as the membership on every request (the hot
/// path), never cached across requests.
/// </summary>
public sealed record PermissionSnapshot(Guid Id, string Name, PermissionKind Kind, GrantSet Grants);

/// <summary>The answer to "may this member do this grant on this menu", with a reason a person can act on.</summary>
public sealed record AccessDecision(bool Allowed, string? Permission, string Reason);

/// <summary>
/// The one place that decides what a permission allows. Pure: it reads only the permission and the menu catalog.
/// The authorization handler, every page, the invitation popup (through what the server renders) and the
/// authorization API all ask it; nothing else compares permission names or kinds.
/// </summary>
public static class PermissionEvaluator
{
    private const Grants ViewerGrants = Grants.ReadOnly | Grants.DataRead;

    /// <summary>Whether the permission administers the workspace (members, invitations, permissions, settings, API keys). Only the built-in Admin does.</summary>
    public static bool CanAdminister(PermissionSnapshot permission) => permission.Kind == PermissionKind.Admin;

    /// <summary>
    /// Whether a link granting this permission should work once unless its creator says otherwise: one that hands
    /// over administration (SPEC section 1.3: "an Admin link defaults to 1 use").
    /// </summary>
    public static bool IsSingleUseByDefault(PermissionSnapshot permission) => CanAdminister(permission);

    /// <summary>
    /// Whether <paramref name="held"/> allows everything <paramref name="granted"/> allows: administration if it
    /// administers, and every grant on every menu of the catalog (its grant set is a subset). A personal access token
    /// may carry only a permission its creator's covers, when created and on every request.
    /// </summary>
    public static bool Covers(PermissionSnapshot held, PermissionSnapshot granted, MenuCatalog menus) =>
        (CanAdminister(held) || !CanAdminister(granted))
        && menus.All.All(menu => (GrantsOn(granted, menu) & ~GrantsOn(held, menu)) == Grants.None);

    /// <summary>Every grant the permission holds on the menu (implied ones included).</summary>
    public static Grants GrantsOn(PermissionSnapshot permission, Menu menu) => permission.Kind switch
    {
        PermissionKind.Admin or PermissionKind.Member => Grants.All,
        PermissionKind.Viewer => ViewerGrants,
        _ => permission.Grants.On(menu.Key),
    };

    /// <summary>The permission's grants on every menu of the catalog, in catalog order.</summary>
    public static IReadOnlyList<(Menu Menu, Grants Grants)> GrantsOnEveryMenu(PermissionSnapshot permission, MenuCatalog menus) =>
        menus.All.Select(menu => (menu, GrantsOn(permission, menu))).ToList();

    /// <summary>
    /// Decides one check. <paramref name="permission"/> is null when the user is not a member. The reason is
    /// "granted by Viewer", "not a member", or "Viewer lacks edit on A/B Test".
    /// </summary>
    public static AccessDecision Decide(PermissionSnapshot? permission, Menu menu, Grants grant)
    {
        if (permission is null)
        {
            return new AccessDecision(false, null, "not a member");
        }

        return GrantsOn(permission, menu).HasFlag(grant)
            ? new AccessDecision(true, permission.Name, $"granted by {permission.Name}")
            : new AccessDecision(false, permission.Name, $"{permission.Name} lacks {grant.ToWire()} on {menu.Name}");
    }
}
