using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Roster.Features.Invitations;
using Roster.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Roster.Tests.Browser;

/// <summary>
/// The "Invite to Workspace" popup's states: nothing to read before a link exists, one link however often it is
/// copied, a new link only for a new choice, what each permission grants, and errors beside their field.
/// </summary>
public sealed class InvitePopupTests(RosterApp app, BrowserFixture browser)
{
    [Theory]
    [InlineData(1280, 800)]
    [InlineData(390, 844)]
    public async Task The_link_box_appears_only_once_a_link_exists_and_Tab_skips_it_until_then(int width, int height)
    {
        var (admin, workspaceId) = await AdminWithWorkspaceAsync("Tab Order Co");
        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await OpenPopupAsync(context, admin, workspaceId, width, height);
        var dialog = Dialog(page);
        var linkBox = dialog.GetByRole(AriaRole.Textbox, new() { Name = "Invitation link" });
        var primary = dialog.GetByRole(AriaRole.Button, new() { Name = "Copy Invitation Link", Exact = true });

        await Expect(linkBox).ToBeHiddenAsync();
        await Expect(dialog.GetByRole(AriaRole.Status)).ToBeHiddenAsync();
        await Expect(dialog.GetByRole(AriaRole.Button, new() { Name = "Create another link" })).ToBeHiddenAsync();
        await primary.FocusAsync();
        await page.Keyboard.PressAsync("Shift+Tab");
        await Expect(dialog.Locator("summary")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Tab");
        await Expect(primary).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Tab");
        await Expect(dialog.GetByRole(AriaRole.Button, new() { Name = "Close" })).ToBeFocusedAsync();
        await AssertFitsAsync(dialog, width);

        await primary.ClickAsync();
        await Expect(linkBox).ToBeVisibleAsync();
        await Expect(linkBox).ToHaveValueAsync(new Regex("/invite/[A-Za-z0-9_-]{43}$"));
        var copy = dialog.GetByRole(AriaRole.Button, new() { Name = "Copy", Exact = true });
        await Expect(copy).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Shift+Tab");
        await Expect(linkBox).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Tab");
        await Expect(dialog.GetByRole(AriaRole.Button, new() { Name = "Create another link" })).ToBeFocusedAsync();
        await AssertFitsAsync(dialog, width);
    }

    [Fact]
    public async Task Reopening_starts_clean_and_copying_twice_leaves_exactly_one_live_link()
    {
        var (admin, workspaceId) = await AdminWithWorkspaceAsync("One Link Co");
        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await OpenPopupAsync(context, admin, workspaceId);
        var dialog = Dialog(page);

        // Choices made and abandoned: the popup closes without a link.
        await dialog.GetByLabel("Permission").SelectOptionAsync("Admin");
        await dialog.GetByText("Link settings").ClickAsync();
        await dialog.GetByLabel("Maximum uses").FillAsync("0");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Copy Invitation Link" }).ClickAsync();
        await Expect(dialog.GetByLabel("Maximum uses")).ToHaveAttributeAsync("aria-invalid", "true");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();

        // Reopened: the default permission, no error, settings folded, no box.
        await OpenAgainAsync(page);
        await Expect(dialog.GetByLabel("Permission").Locator("option:checked")).ToHaveTextAsync("Member");
        await Expect(dialog.GetByText("Whoever opens this link becomes an Admin")).ToBeHiddenAsync();
        await Expect(dialog.GetByLabel("Maximum uses")).ToBeHiddenAsync();
        await Expect(dialog.GetByLabel("Maximum uses")).ToHaveValueAsync("");
        await Expect(dialog.GetByLabel("Maximum uses")).Not.ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(dialog.GetByRole(AriaRole.Textbox, new() { Name = "Invitation link" })).ToBeHiddenAsync();

        // Copy Invitation Link makes the link; Copy copies that same link again.
        var link = await Pages.CopyInvitationLinkAsync(page, "Member");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Copy", Exact = true }).ClickAsync();
        await Expect(dialog.GetByRole(AriaRole.Status)).ToContainTextAsync("Copied again");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Copy", Exact = true }).ClickAsync();
        Assert.Equal(link, await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
        Assert.Equal(link, await dialog.GetByRole(AriaRole.Textbox, new() { Name = "Invitation link" }).InputValueAsync());
        var live = await LiveLinksAsync(admin, workspaceId);
        Assert.Equal("Member", Assert.Single(live).Permission);

        // Reopened after a link: no old link, message or status.
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();
        await OpenAgainAsync(page);
        await Expect(dialog.GetByRole(AriaRole.Textbox, new() { Name = "Invitation link" })).ToBeHiddenAsync();
        await Expect(dialog.GetByRole(AriaRole.Button, new() { Name = "Copy Invitation Link", Exact = true })).ToBeVisibleAsync();
        await Expect(dialog.GetByRole(AriaRole.Button, new() { Name = "Create another link" })).ToBeHiddenAsync();
        Assert.Single(await LiveLinksAsync(admin, workspaceId));
    }

    [Fact]
    public async Task Create_another_link_makes_a_second_and_a_new_choice_needs_a_new_link()
    {
        var (admin, workspaceId) = await AdminWithWorkspaceAsync("Another Link Co");
        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await OpenPopupAsync(context, admin, workspaceId);
        var dialog = Dialog(page);
        var linkBox = dialog.GetByRole(AriaRole.Textbox, new() { Name = "Invitation link" });

        var first = await Pages.CopyInvitationLinkAsync(page, "Member");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create another link" }).ClickAsync();
        await Expect(linkBox).Not.ToHaveValueAsync(first);
        await Expect(linkBox).ToHaveValueAsync(new Regex("/invite/[A-Za-z0-9_-]{43}$"));
        var second = await linkBox.InputValueAsync();
        Assert.Equal(second, await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
        Assert.Equal(2, (await LiveLinksAsync(admin, workspaceId)).Count);

        // Another permission: the box no longer matches, so it goes, and the primary makes a link again.
        await dialog.GetByLabel("Permission").SelectOptionAsync("Viewer");
        await Expect(linkBox).ToBeHiddenAsync();
        await Expect(dialog.GetByRole(AriaRole.Button, new() { Name = "Copy", Exact = true })).ToHaveCountAsync(0);
        await Expect(dialog.GetByRole(AriaRole.Button, new() { Name = "Create another link" })).ToBeHiddenAsync();
        var viewerLink = await Pages.CopyInvitationLinkAsync(page, "Viewer");
        Assert.NotEqual(second, viewerLink);

        // So does another link setting.
        await dialog.GetByText("Link settings").ClickAsync();
        await dialog.GetByLabel("Expires after").SelectOptionAsync("30 days");
        await Expect(linkBox).ToBeHiddenAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Copy Invitation Link", Exact = true }).ClickAsync();
        await Expect(linkBox).ToBeVisibleAsync();

        var live = await LiveLinksAsync(admin, workspaceId);
        Assert.Equal(["Member", "Member", "Viewer", "Viewer"], live.Select(l => l.Permission!).Order());
        var longest = live.MaxBy(l => l.ExpiresAt)!;
        Assert.InRange(longest.ExpiresAt - longest.CreatedAt, TimeSpan.FromDays(30) - TimeSpan.FromMinutes(1), TimeSpan.FromDays(30) + TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task Each_permission_says_what_it_grants_and_Admin_warns_that_the_link_hands_over_the_workspace()
    {
        var (admin, workspaceId) = await AdminWithWorkspaceAsync("Described Co");
        await app.SetPlanAsync(workspaceId, "Enterprise");
        await admin.Client.CreatePermissionAsync(workspaceId, "Experimenter", new Dictionary<string, IReadOnlyList<string>>
        {
            ["ab-test"] = ["edit"],
            ["feature-flag"] = ["edit"],
            ["analytics"] = ["read-only"],
        });
        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await OpenPopupAsync(context, admin, workspaceId);
        var dialog = Dialog(page);
        var permission = dialog.GetByLabel("Permission");
        var warning = dialog.GetByText("Whoever opens this link becomes an Admin");

        await Expect(permission).ToHaveAccessibleDescriptionAsync("Can edit every menu (with data download and data-collection status); no administration");
        await Expect(dialog.GetByRole(AriaRole.Link, new() { Name = "Manage permissions" }))
            .ToHaveAttributeAsync("href", $"/w/{workspaceId}/settings/permissions");
        await Expect(warning).ToBeHiddenAsync();

        await permission.SelectOptionAsync("Viewer");
        await Expect(permission).ToHaveAccessibleDescriptionAsync("Can view every menu (with data-collection status); no administration");
        await permission.SelectOptionAsync("Experimenter");
        await Expect(permission).ToHaveAccessibleDescriptionAsync(
            "Can edit A/B Test and Feature Flag; view Analytics; no access to Remote Config, Data Management and CRM; no administration");

        await permission.SelectOptionAsync("Admin");
        await Expect(warning).ToBeVisibleAsync();
        await Expect(warning).ToContainTextAsync("the whole workspace");
        await Expect(warning).ToContainTextAsync("The link works once");
        await Expect(permission).ToHaveAccessibleDescriptionAsync(new Regex(
            "^Everything, including members, invitation links, permissions, API keys, the plan and workspace settings Whoever opens this link becomes an Admin"));
        await dialog.GetByText("Link settings").ClickAsync();
        await Expect(dialog.GetByLabel("Maximum uses")).ToHaveAttributeAsync("placeholder", "1");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Copy Invitation Link", Exact = true }).ClickAsync();
        await Expect(dialog.GetByRole(AriaRole.Status)).ToContainTextAsync("can be used once");
        var adminLink = Assert.Single(await LiveLinksAsync(admin, workspaceId));
        Assert.Equal(("Admin", 1), (adminLink.Permission, adminLink.MaxUses));

        await permission.SelectOptionAsync("Member");
        await Expect(warning).ToBeHiddenAsync();
        await Expect(permission).ToHaveAccessibleDescriptionAsync("Can edit every menu (with data download and data-collection status); no administration");
        await Expect(dialog.GetByLabel("Maximum uses")).ToHaveAttributeAsync("placeholder", "Unlimited");
    }

    [Fact]
    public async Task Field_errors_sit_beside_their_field_and_the_rest_is_a_general_error()
    {
        var (admin, workspaceId) = await AdminWithWorkspaceAsync("Errors Co");
        await app.SetPlanAsync(workspaceId, "Enterprise");
        await admin.Client.CreatePermissionAsync(workspaceId, "Analyst", new Dictionary<string, IReadOnlyList<string>> { ["analytics"] = ["read-only"] });
        await app.SetPlanAsync(workspaceId, "Free");
        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await OpenPopupAsync(context, admin, workspaceId);
        var dialog = Dialog(page);
        var create = dialog.GetByRole(AriaRole.Button, new() { Name = "Copy Invitation Link", Exact = true });
        var maxUses = dialog.GetByLabel("Maximum uses");
        var domains = dialog.GetByLabel("Allowed email domains");
        var general = dialog.GetByRole(AriaRole.Alert);

        // Maximum uses that is not a positive whole number: said beside the field, which is marked and focused.
        await dialog.GetByText("Link settings").ClickAsync();
        await maxUses.FillAsync("0");
        await create.ClickAsync();
        await Expect(maxUses).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(maxUses).ToHaveAccessibleDescriptionAsync(new Regex("Enter a whole number from 1 to 10000, or leave it empty for no limit\\.$"));
        await Expect(maxUses).ToBeFocusedAsync();
        await Expect(dialog.Locator("#invite-max-uses-error")).ToHaveTextAsync("Enter a whole number from 1 to 10000, or leave it empty for no limit.");
        await Expect(general).ToBeHiddenAsync();

        // Fixing it clears the error. 21 domains: the server's answer lands beside the domains field.
        await maxUses.FillAsync("");
        await Expect(maxUses).Not.ToHaveAttributeAsync("aria-invalid", "true");
        await domains.FillAsync(string.Join(", ", Enumerable.Range(1, 21).Select(i => $"d{i}.example")));
        await create.ClickAsync();
        await Expect(domains).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(domains).ToHaveAccessibleDescriptionAsync(new Regex($"At most {InvitationService.MaxAllowedDomains} domains\\.$"));
        await Expect(domains).ToBeFocusedAsync();
        await Expect(maxUses).Not.ToHaveAttributeAsync("aria-invalid", "true");

        await domains.FillAsync("acme.test, not a domain!");
        await create.ClickAsync();
        await Expect(domains).ToHaveAccessibleDescriptionAsync(new Regex("is not a domain name such as example\\.com\\.$"));
        await domains.FillAsync("");

        // What belongs to no field is the popup's general error: a plan that lacks the feature, an unreachable server.
        await dialog.GetByLabel("Permission").SelectOptionAsync("Analyst");
        await create.ClickAsync();
        await Expect(general).ToHaveTextAsync("Custom permissions is not part of the Free plan; the Enterprise plan includes it.");
        await Expect(dialog.GetByLabel("Permission")).Not.ToHaveAttributeAsync("aria-invalid", "true");

        await dialog.GetByLabel("Permission").SelectOptionAsync("Member");
        await Expect(general).ToBeHiddenAsync();
        await page.RouteAsync("**/invitation-links", route => route.AbortAsync());
        await create.ClickAsync();
        await Expect(general).ToHaveTextAsync("Roster could not be reached, so no link was made. Check your connection and try again.");
        await page.UnrouteAllAsync();

        Assert.Empty(await admin.Client.ListLinksAsync(workspaceId));
        await Expect(dialog.GetByRole(AriaRole.Textbox, new() { Name = "Invitation link" })).ToBeHiddenAsync();
    }

    private static ILocator Dialog(IPage page) => page.GetByRole(AriaRole.Dialog, new() { Name = "Invite to Workspace" });

    private async Task<(TestUser Admin, Guid WorkspaceId)> AdminWithWorkspaceAsync(string name)
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync(name);
        return (admin, workspace.Id);
    }

    /// <summary>Signs the Admin in, opens the workspace's dashboard (its sole member sees Invite) and the popup.</summary>
    private static async Task<IPage> OpenPopupAsync(IBrowserContext context, TestUser admin, Guid workspaceId, int width = 1280, int height = 800)
    {
        var page = await context.NewPageAsync();
        await page.SetViewportSizeAsync(width, height);
        await Pages.SignInAsync(page, admin);
        await page.GotoAsync($"/w/{workspaceId}");
        await OpenAgainAsync(page);
        return page;
    }

    private static async Task OpenAgainAsync(IPage page)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Invite", Exact = true }).ClickAsync();
        await Expect(Dialog(page)).ToBeVisibleAsync();
    }

    private static async Task<List<InvitationLinkResponse>> LiveLinksAsync(TestUser admin, Guid workspaceId) =>
        [.. (await admin.Client.ListLinksAsync(workspaceId)).Where(link => link.Status == "active")];

    /// <summary>The popup stays inside the viewport, and nothing in it needs scrolling sideways.</summary>
    private static async Task AssertFitsAsync(ILocator dialog, int width)
    {
        var box = await dialog.BoundingBoxAsync();
        Assert.NotNull(box);
        Assert.True(box.X >= 0 && box.X + box.Width <= width, $"The popup spans {box.X} to {box.X + box.Width} in a {width} px viewport.");
        Assert.True(await dialog.EvaluateAsync<bool>("dialog => dialog.scrollWidth <= dialog.clientWidth"), "The popup's content is wider than the popup.");
    }
}
