using Roster.Features.Permissions;

namespace Roster.Tests.Unit;

/// <summary>The one evaluator, over every built-in permission and a custom one, on the default menu catalog.</summary>
public sealed class PermissionEvaluatorTests
{
    private static readonly MenuCatalog Menus = MenuCatalog.Default;
    private static readonly Menu AbTest = Menus.Find("ab-test")!;
    private static readonly Menu Analytics = Menus.Find("analytics")!;

    private static PermissionSnapshot BuiltIn(PermissionKind kind) => new(Guid.NewGuid(), kind.ToString(), kind, GrantSet.Empty);

    public static TheoryData<PermissionKind, Grants, bool> BuiltInCases()
    {
        var data = new TheoryData<PermissionKind, Grants, bool>();
        foreach (var grant in GrantNames.Each)
        {
            data.Add(PermissionKind.Admin, grant, true);
            data.Add(PermissionKind.Member, grant, true);
            data.Add(PermissionKind.Viewer, grant, grant is Grants.ReadOnly or Grants.DataRead);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BuiltInCases))]
    public void BuiltIn_OnEveryMenu_GrantsWhatTheSpecSays(PermissionKind kind, Grants grant, bool expected)
    {
        foreach (var menu in Menus.All)
        {
            var decision = PermissionEvaluator.Decide(BuiltIn(kind), menu, grant);
            Assert.Equal(expected, decision.Allowed);
            Assert.Equal(kind.ToString(), decision.Permission);
        }
    }

    [Theory]
    [InlineData(PermissionKind.Admin, true)]
    [InlineData(PermissionKind.Member, false)]
    [InlineData(PermissionKind.Viewer, false)]
    [InlineData(PermissionKind.Custom, false)]
    public void CanAdminister_OnlyTheAdminPermission(PermissionKind kind, bool expected)
    {
        var permission = kind == PermissionKind.Custom
            ? new PermissionSnapshot(Guid.NewGuid(), "Everything", kind, AllOnEveryMenu())
            : BuiltIn(kind);

        Assert.Equal(expected, PermissionEvaluator.CanAdminister(permission));
        Assert.Equal(expected, PermissionEvaluator.IsSingleUseByDefault(permission));
    }

    [Fact]
    public void Custom_GrantsExactlyItsSet_AndEditImpliesReadOnly()
    {
        var grants = GrantSet.From([new("ab-test", Grants.Edit), new("analytics", Grants.DataDownload)]);
        var custom = new PermissionSnapshot(Guid.NewGuid(), "Experimenter", PermissionKind.Custom, grants);

        Assert.Equal(Grants.Edit | Grants.ReadOnly, PermissionEvaluator.GrantsOn(custom, AbTest));
        Assert.Equal(Grants.DataDownload, PermissionEvaluator.GrantsOn(custom, Analytics));
        Assert.Equal(Grants.None, PermissionEvaluator.GrantsOn(custom, Menus.Find("crm")!));
        Assert.True(PermissionEvaluator.Decide(custom, AbTest, Grants.ReadOnly).Allowed);
        Assert.False(PermissionEvaluator.Decide(custom, Analytics, Grants.ReadOnly).Allowed);
    }

    [Fact]
    public void Decide_GivesReasonsAPersonCanActOn()
    {
        var viewer = BuiltIn(PermissionKind.Viewer);

        Assert.Equal(new AccessDecision(false, "Viewer", "Viewer lacks edit on A/B Test"), PermissionEvaluator.Decide(viewer, AbTest, Grants.Edit));
        Assert.Equal(new AccessDecision(true, "Viewer", "granted by Viewer"), PermissionEvaluator.Decide(viewer, AbTest, Grants.ReadOnly));
        Assert.Equal(new AccessDecision(false, null, "not a member"), PermissionEvaluator.Decide(null, AbTest, Grants.ReadOnly));
    }

    [Fact]
    public void GrantSet_RoundTripsThroughStorage_AndIgnoresWhatItCannotRead()
    {
        var grants = GrantSet.From([new("ab-test", Grants.Edit | Grants.DataRead), new("crm", Grants.None)]);

        Assert.Equal("ab-test=11", grants.ToStorage());
        Assert.Equal(grants, GrantSet.FromStorage(grants.ToStorage()));
        Assert.Equal(GrantSet.Empty, GrantSet.FromStorage("garbage;=3;x=notanumber"));
        Assert.Equal(Grants.All, GrantSet.FromStorage("ab-test=255").On("ab-test"));
    }

    [Fact]
    public void MenuCatalog_Default_HasTheSpecMenusInOrder()
    {
        Assert.Equal(
            ["ab-test", "feature-flag", "remote-config", "analytics", "data-management", "crm"],
            Menus.All.Select(menu => menu.Key));
        Assert.Equal("A/B Test", AbTest.Name);
    }

    private static GrantSet AllOnEveryMenu() => GrantSet.From(Menus.All.Select(menu => new KeyValuePair<string, Grants>(menu.Key, Grants.All)));
}
