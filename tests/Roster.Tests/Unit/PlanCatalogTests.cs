using Microsoft.Extensions.Configuration;
using Roster.Features.Plans;
using Roster.Features.Workspaces;

namespace Roster.Tests.Unit;

/// <summary>Plans from configuration (SPEC section 6): the shipped defaults, an operator's own plans, and mistakes that stop the app.</summary>
public sealed class PlanCatalogTests
{
    [Fact]
    public void Shipped_configuration_has_Free_Pro_and_Enterprise_smallest_first_with_Free_the_default()
    {
        var catalog = new PlanCatalog(ShippedConfiguration());

        Assert.Equal(["Free", "Pro", "Enterprise"], catalog.All.Select(p => p.Name));
        Assert.Equal("Free", catalog.Default.Name);
        Assert.Equal(5, catalog.Find("free")!.MemberLimit);
        Assert.Empty(catalog.Find("Free")!.Features);
        Assert.Equal(50, catalog.Find("Pro")!.MemberLimit);
        Assert.Equal(
            [PlanFeature.EmailInvitations, PlanFeature.AutomaticDomainJoin, PlanFeature.ApiKeys],
            catalog.Find("Pro")!.Features.Order());
        Assert.Null(catalog.Find("Enterprise")!.MemberLimit);
        Assert.Equal(PlanFeatures.All, catalog.Find("Enterprise")!.Features.Order());
        Assert.Equal("Enterprise", catalog.CheapestWith(PlanFeature.CustomPermissions)!.Name);
        Assert.Equal("Pro", catalog.CheapestWith(PlanFeature.ApiKeys)!.Name);
    }

    [Fact]
    public void An_operator_adds_a_plan_and_changes_the_default()
    {
        var catalog = new PlanCatalog(ShippedConfiguration(new()
        {
            ["Roster:Plans:Default"] = "Team",
            ["Roster:Plans:Team:MemberLimit"] = "20",
            ["Roster:Plans:Team:Features:0"] = "api-keys",
        }));

        Assert.Equal(["Free", "Team", "Pro", "Enterprise"], catalog.All.Select(p => p.Name));
        Assert.Equal("Team", catalog.Default.Name);
        Assert.True(catalog.Default.Has(PlanFeature.ApiKeys));
    }

    [Fact]
    public void A_recorded_plan_that_is_no_longer_configured_counts_as_the_default()
    {
        var catalog = new PlanCatalog(ShippedConfiguration());

        Assert.Equal("Free", catalog.Of("Retired").Name);
        Assert.Equal("Free", catalog.Of("").Name);
        Assert.Equal("Pro", catalog.Of("Pro").Name);
    }

    [Theory]
    [InlineData("Free", 4, true)]
    [InlineData("Free", 5, false)]
    [InlineData("Pro", 49, true)]
    [InlineData("Pro", 50, false)]
    [InlineData("Enterprise", 1_000_000, true)]
    [InlineData("Retired", 4, true)]
    [InlineData("Retired", 5, false)]
    [InlineData("", 5, false)]
    [InlineData("pro", 49, true)]
    [InlineData("PRO", 50, false)]
    [InlineData("enterprise", 10_000, true)]
    public void HasSeat_follows_the_recorded_plans_limit(string plan, int members, bool hasSeat)
    {
        var catalog = new PlanCatalog(ShippedConfiguration());
        var workspace = new Workspace("Team", Guid.NewGuid(), DateTimeOffset.UnixEpoch, plan);
        typeof(Workspace).GetProperty(nameof(Workspace.MemberCount))!.SetValue(workspace, members);

        Assert.Equal(hasSeat, catalog.HasSeat.Compile()(workspace));
        Assert.Equal(hasSeat, catalog.Of(plan).HasSeatFor(members));
    }

    [Theory]
    [InlineData("Roster:Plans:Default", "Platinum", "Roster:Plans:Default is 'Platinum'")]
    [InlineData("Roster:Plans:Free:MemberLimit", "0", "Roster:Plans:Free:MemberLimit")]
    [InlineData("Roster:Plans:Free:MemberLimit", "five", "Roster:Plans:Free:MemberLimit")]
    [InlineData("Roster:Plans:Free:Features:0", "sso", "Roster:Plans:Free:Features has 'sso'")]
    public void A_configuration_mistake_names_the_setting(string key, string value, string message)
    {
        var error = Assert.Throws<InvalidOperationException>(() => new PlanCatalog(ShippedConfiguration(new() { [key] = value })));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    /// <summary>The app's own appsettings.json, with the given settings on top, as an operator's would be.</summary>
    private static IConfiguration ShippedConfiguration(Dictionary<string, string?>? overrides = null) =>
        new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: false)
            .AddInMemoryCollection(overrides ?? [])
            .Build();
}
