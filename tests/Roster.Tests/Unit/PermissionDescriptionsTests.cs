using Roster.Features.Permissions;

namespace Roster.Tests.Unit;

/// <summary>The one line the invitation popup shows under the permission drop-down, from the evaluator's grants.</summary>
public sealed class PermissionDescriptionsTests
{
    private static PermissionSnapshot BuiltIn(PermissionKind kind) => new(Guid.NewGuid(), kind.ToString(), kind, GrantSet.Empty);

    private static PermissionSnapshot Custom(params (string Menu, Grants Grants)[] grants) =>
        new(Guid.NewGuid(), "Experimenter", PermissionKind.Custom, GrantSet.From(grants.Select(g => KeyValuePair.Create(g.Menu, g.Grants))));

    [Theory]
    [InlineData(PermissionKind.Admin, "Everything, including members, invitation links, permissions, API keys, the plan and workspace settings")]
    [InlineData(PermissionKind.Member, "Can edit every menu (with data download and data-collection status); no administration")]
    [InlineData(PermissionKind.Viewer, "Can view every menu (with data-collection status); no administration")]
    public void BuiltIn_SaysWhatItGrants(PermissionKind kind, string expected) =>
        Assert.Equal(expected, PermissionDescriptions.Describe(BuiltIn(kind), MenuCatalog.Default));

    [Fact]
    public void Custom_GroupsMenusByWhatItGrants_StrongestFirst()
    {
        var permission = Custom(("ab-test", Grants.Edit), ("feature-flag", Grants.Edit), ("analytics", Grants.ReadOnly), ("crm", Grants.DataRead));

        Assert.Equal(
            "Can edit A/B Test and Feature Flag; view Analytics; see only the data-collection status of CRM; no access to Remote Config and Data Management; no administration",
            PermissionDescriptions.Describe(permission, MenuCatalog.Default));
    }

    [Fact]
    public void Custom_WithTheSameGrantsEverywhere_SaysEveryMenu()
    {
        var permission = Custom([.. MenuCatalog.Default.All.Select(menu => (menu.Key, Grants.ReadOnly | Grants.DataDownload))]);

        Assert.Equal("Can view every menu (with data download); no administration", PermissionDescriptions.Describe(permission, MenuCatalog.Default));
    }

    [Fact]
    public void Custom_WithNoGrants_SaysItHasNoAccess() =>
        Assert.Equal("No access to any menu yet; no administration", PermissionDescriptions.Describe(Custom(), MenuCatalog.Default));

    [Fact]
    public void Custom_FollowsTheConfiguredMenus()
    {
        var menus = new MenuCatalog([new Menu("ab-test", "Experiments", ""), new Menu("flags", "Flags", ""), new Menu("funnels", "Funnels", "")]);
        var permission = Custom(("ab-test", Grants.Edit), ("flags", Grants.Edit), ("funnels", Grants.ReadOnly));

        Assert.Equal("Can edit Experiments and Flags; view Funnels; no administration", PermissionDescriptions.Describe(permission, menus));
    }
}
