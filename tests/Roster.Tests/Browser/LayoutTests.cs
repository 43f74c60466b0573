using Microsoft.Playwright;
using Roster.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Roster.Tests.Browser;

/// <summary>
/// The look and its rules, in Chromium at a laptop's width (1280 px) and a phone's (390 px): no page scrolls
/// sideways, the header fits, Settings is reachable from the account menu in every state, the header's menus close on
/// Escape and outside clicks, and the dashboard's menu cards say in words what the person may do. Each main screen is
/// saved as a screenshot under <c>artifacts/screenshots/</c> for a person to look at.
/// </summary>
public sealed class LayoutTests(RosterApp app, BrowserFixture browser)
{
    private const int Laptop = 1280;
    private const int Phone = 390;

    [Theory]
    [InlineData(Laptop)]
    [InlineData(Phone)]
    public async Task No_page_scrolls_sideways_with_every_table_filled(int width)
    {
        var team = await FilledWorkspaceAsync();
        var root = $"/w/{team.Workspace.Id}";
        var offenders = new List<string>();

        // Signed out: the auth pages, a link's landing page, the error pages.
        await using (var stranger = await browser.NewContextAsync(app.BaseAddress))
        {
            var page = await NewPageAsync(stranger, width);
            await CheckAsync(page, "/login", "sign-in", width, offenders);
            await CheckAsync(page, "/signup", "sign-up", width, offenders);
            await CheckAsync(page, "/forgot-password", "forgot-password", width, offenders);
            await CheckAsync(page, $"/invite/{ApiClient.TokenOf(team.Link)}", "invite-landing", width, offenders);
            await CheckAsync(page, "/invite/not-a-real-link-token-at-all", "invite-unknown", width, offenders);
            await CheckAsync(page, "/error/404", "error-404", width, offenders);
        }

        // Signed in as the Admin of a workspace with members, links, a custom permission and API keys.
        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var admin = await NewPageAsync(context, width);
        await Pages.SignInAsync(admin, team.Admin);
        await CheckAsync(admin, root, "dashboard", width, offenders);
        await CheckAsync(admin, $"{root}/settings/workspace", "settings-workspace", width, offenders);
        await Expect(admin.GetByRole(AriaRole.Main)).ToContainTextAsync("@subsidiary.example.org");
        await CheckAsync(admin, $"{root}/settings/members", "settings-members", width, offenders);
        await Expect(admin.GetByRole(AriaRole.Region, new() { Name = "Members table" })).ToContainTextAsync(team.ReaderMember.Email);
        await CheckAsync(admin, $"{root}/settings/permissions", "settings-permissions", width, offenders);
        await CheckAsync(admin, $"{root}/settings/permissions/new", "settings-permission-new", width, offenders);
        await CheckAsync(admin, $"{root}/settings/permissions/{team.Reader.Id}", "settings-permission-edit", width, offenders);
        await CheckAsync(admin, $"{root}/settings/api-keys", "settings-api-keys", width, offenders);
        await Expect(admin.GetByRole(AriaRole.Region, new() { Name = "API keys table" })).ToContainTextAsync("feature-flag-evaluation-service-production-eu-west");
        await CheckAsync(admin, $"{root}/settings/audit-log", "settings-audit-log", width, offenders);
        await CheckAsync(admin, $"{root}/settings/plan", "settings-plan", width, offenders);
        await CheckAsync(admin, "/account", "account", width, offenders);
        await CheckAsync(admin, $"/w/{Guid.NewGuid()}", "error-not-found-signed-in", width, offenders);

        // The open header menus fit too.
        await admin.GotoAsync(root);
        await Pages.AccountMenu(admin).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Link, new() { Name = "Workspace settings" })).ToBeInViewportAsync(new() { Ratio = 1 });
        await RecordAsync(admin, "account-menu", width, offenders);

        // The popup with a link fits the screen, whole.
        await admin.GotoAsync($"{root}/settings/workspace");
        await admin.GetByRole(AriaRole.Main).GetByRole(AriaRole.Button, new() { Name = "Invite", Exact = true }).ClickAsync();
        await Pages.CopyInvitationLinkAsync(admin, "Member");
        var dialog = admin.GetByRole(AriaRole.Dialog, new() { Name = "Invite to Workspace" });
        var box = await dialog.BoundingBoxAsync() ?? throw new InvalidOperationException("The popup has no box.");
        var viewport = admin.ViewportSize!;
        Assert.True(box.X >= 0 && box.Y >= 0 && box.X + box.Width <= viewport.Width && box.Y + box.Height <= viewport.Height,
            $"The popup ({box.X}, {box.Y}, {box.Width} x {box.Height}) does not fit the {viewport.Width} x {viewport.Height} screen.");
        await RecordAsync(admin, "invite-popup-with-link", width, offenders);

        Assert.Empty(offenders);
    }

    [Fact]
    public async Task Settings_is_reachable_from_the_account_menu_for_a_sole_Admin_another_Admin_and_a_member()
    {
        var team = await FilledWorkspaceAsync();

        // A sole Admin (just signed up): the top right says Invite, and the account menu still leads to Settings.
        await using (var context = await browser.NewContextAsync(app.BaseAddress))
        {
            var page = await NewPageAsync(context, Phone);
            await page.GotoAsync("/signup");
            await Pages.ScreenshotAsync(page, $"sign-up-filled-{Phone}");
            var workspaceId = await Pages.SignUpWithNewWorkspaceAsync(app, page, "Solène Onboarding-Whitfield-Ramasubramanian", TestUsers.NewEmail());
            var banner = page.GetByRole(AriaRole.Banner);
            await Expect(banner.GetByRole(AriaRole.Button, new() { Name = "Invite", Exact = true })).ToBeVisibleAsync();
            await Expect(banner.GetByRole(AriaRole.Link, new() { Name = "Settings", Exact = true })).ToHaveCountAsync(0);
            await AssertFitsAsync(page);
            await Pages.ScreenshotAsync(page, $"dashboard-sole-admin-{Phone}");
            await Pages.OpenSettingsFromAccountMenuAsync(page);
            Assert.EndsWith($"/w/{workspaceId}/settings/workspace", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Workspace", Exact = true, Level = 1 })).ToBeVisibleAsync();
        }

        // Another Admin and a member: the top right says Settings, and the account menu leads there too.
        foreach (var person in new[] { team.SecondAdmin, team.Member })
        {
            await using var context = await browser.NewContextAsync(app.BaseAddress);
            var page = await NewPageAsync(context, Phone);
            await Pages.SignInAsync(page, person);
            await page.GotoAsync($"/w/{team.Workspace.Id}");
            var banner = page.GetByRole(AriaRole.Banner);
            await Expect(banner.GetByRole(AriaRole.Link, new() { Name = "Settings", Exact = true })).ToBeVisibleAsync();
            await Expect(banner.GetByRole(AriaRole.Button, new() { Name = "Invite", Exact = true })).ToHaveCountAsync(0);
            await AssertFitsAsync(page);
            await Pages.OpenSettingsFromAccountMenuAsync(page);
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Workspace", Exact = true, Level = 1 })).ToBeVisibleAsync();
            await Expect(Pages.SettingsSection(page, "Workspace")).ToHaveAttributeAsync("aria-current", "page");
        }
    }

    [Theory]
    [InlineData(Laptop)]
    [InlineData(Phone)]
    public async Task The_header_menus_are_named_by_their_text_and_close_on_Escape_and_outside_clicks(int width)
    {
        var team = await FilledWorkspaceAsync();
        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await NewPageAsync(context, width);
        await Pages.SignInAsync(page, team.Admin);
        await page.GotoAsync($"/w/{team.Workspace.Id}");

        var account = Pages.AccountMenu(page);
        var switcher = Pages.WorkspaceSwitcher(page);
        // Label in name (WCAG 2.5.3): what the summary shows, then what it opens.
        await Expect(account).ToHaveAccessibleNameAsync($"{team.Admin.Email} account menu");
        await Expect(switcher).ToHaveAccessibleNameAsync($"{team.Workspace.Name} switch workspace");
        // The <details> around each summary, whose open attribute says whether the menu shows.
        var accountMenu = account.Locator("xpath=..");
        var switcherMenu = switcher.Locator("xpath=..");

        // Escape closes the open menu and puts focus back on its summary, opened by mouse or by keyboard.
        await account.ClickAsync();
        await Expect(accountMenu).ToHaveAttributeAsync("open", "");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Workspace settings" })).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Escape");
        await Expect(accountMenu).Not.ToHaveAttributeAsync("open", "");
        await Expect(account).ToBeFocusedAsync();

        await switcher.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(switcherMenu).ToHaveAttributeAsync("open", "");
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Your workspaces" }).GetByRole(AriaRole.Link).First).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Escape");
        await Expect(switcherMenu).Not.ToHaveAttributeAsync("open", "");
        await Expect(switcher).ToBeFocusedAsync();

        // A click outside closes it; opening one menu closes the other.
        await switcher.ClickAsync();
        await Expect(switcherMenu).ToHaveAttributeAsync("open", "");
        await page.Mouse.ClickAsync(5, page.ViewportSize!.Height - 5);
        await Expect(switcherMenu).Not.ToHaveAttributeAsync("open", "");
        await switcher.ClickAsync();
        await account.ClickAsync();
        await Expect(accountMenu).ToHaveAttributeAsync("open", "");
        await Expect(switcherMenu).Not.ToHaveAttributeAsync("open", "");
    }

    [Fact]
    public async Task Menu_cards_say_in_words_what_an_Admin_and_a_read_only_permission_may_do()
    {
        var team = await FilledWorkspaceAsync();
        await using var adminContext = await browser.NewContextAsync(app.BaseAddress);
        var admin = await NewPageAsync(adminContext, Laptop);
        await Pages.SignInAsync(admin, team.Admin);
        await admin.GotoAsync($"/w/{team.Workspace.Id}");
        foreach (var menu in Menus)
        {
            await Expect(Pages.GrantsOn(admin, menu)).ToHaveTextAsync([Pages.FullAccess, Pages.RawDataAccess, Pages.DataStatusAccess]);
        }

        await AssertPlainTextAsync(admin);
        await Pages.ScreenshotAsync(admin, $"dashboard-admin-{Laptop}");

        // Reader: read-only on A/B Test and nothing else.
        await using var readerContext = await browser.NewContextAsync(app.BaseAddress);
        var reader = await NewPageAsync(readerContext, Phone);
        await Pages.SignInAsync(reader, team.ReaderMember);
        await reader.GotoAsync($"/w/{team.Workspace.Id}");
        await Expect(Pages.GrantsOn(reader, "A/B Test")).ToHaveTextAsync(["Read only"]);
        foreach (var menu in Menus.Where(menu => menu != "A/B Test"))
        {
            await Expect(Pages.GrantsOn(reader, menu)).ToHaveTextAsync(["No access"]);
        }

        await AssertPlainTextAsync(reader);
        await Pages.ScreenshotAsync(reader, $"dashboard-read-only-{Phone}");
    }

    private static readonly string[] Menus = ["A/B Test", "Feature Flag", "Remote Config", "Analytics", "Data Management", "CRM"];

    private sealed record Team(
        TestUser Admin, Features.Workspaces.WorkspaceResponse Workspace, TestUser SecondAdmin, TestUser Member,
        TestUser ReaderMember, Features.Permissions.PermissionResponse Reader, Features.Invitations.CreatedInvitationLinkResponse Link);

    /// <summary>
    /// An Enterprise workspace with a long name and every table filled: five members (a second Admin, a Member, a
    /// Viewer, one with the custom "Reader"), two more live links (one limited to long domains), and two API keys.
    /// The Admin registered through the API has no name, so the header shows their long email address.
    /// </summary>
    private async Task<Team> FilledWorkspaceAsync()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync($"Growth Experiments and Analytics {Guid.NewGuid():N}"[..44]);
        await app.SetPlanAsync(workspace.Id, TestPlans.Enterprise);
        var reader = await admin.Client.CreatePermissionAsync(workspace.Id, "Reader", new Dictionary<string, string[]> { ["ab-test"] = ["read-only"] });
        var secondAdmin = await TestUsers.JoinAsync(app, admin, workspace.Id, "Admin");
        var member = await TestUsers.JoinAsync(app, admin, workspace.Id, "Member");
        await TestUsers.JoinAsync(app, admin, workspace.Id, "Viewer");
        var readerMember = await TestUsers.JoinAsync(app, admin, workspace.Id, "Reader");
        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Member", expiresInDays: 30);
        await admin.Client.CreateLinkAsync(workspace.Id, "Viewer", maxUses: 10, allowedDomains: ["research-and-development.example.com", "subsidiary.example.org"]);
        await admin.Client.CreateApiKeyAsync(workspace.Id, "feature-flag-evaluation-service-production-eu-west");
        await admin.Client.CreateApiKeyAsync(workspace.Id, "experiments service");
        return new Team(admin, workspace, secondAdmin, member, readerMember, reader, link);
    }

    private static async Task<IPage> NewPageAsync(IBrowserContext context, int width)
    {
        var page = await context.NewPageAsync();
        await page.SetViewportSizeAsync(width, width == Phone ? 844 : 800);
        return page;
    }

    private static async Task CheckAsync(IPage page, string path, string name, int width, List<string> offenders)
    {
        await page.GotoAsync(path);
        await RecordAsync(page, name, width, offenders);
    }

    /// <summary>Notes the page if it is wider than the window, and saves its screenshot (which must exist afterwards) in the SQLite run.</summary>
    private static async Task RecordAsync(IPage page, string name, int width, List<string> offenders)
    {
        var (scrollWidth, innerWidth) = await WidthsAsync(page);
        if (scrollWidth > innerWidth)
        {
            offenders.Add($"{name} ({new Uri(page.Url).AbsolutePath}) is {scrollWidth} px wide in a {innerWidth} px window");
        }

        if (await Pages.ScreenshotAsync(page, $"{name}-{width}") is { } path)
        {
            Assert.True(new FileInfo(path).Length > 0, $"The screenshot {path} is empty.");
        }
    }

    private static async Task AssertFitsAsync(IPage page)
    {
        var (scrollWidth, innerWidth) = await WidthsAsync(page);
        Assert.True(scrollWidth <= innerWidth, $"{page.Url} is {scrollWidth} px wide in a {innerWidth} px window.");
    }

    private static async Task<(int ScrollWidth, int InnerWidth)> WidthsAsync(IPage page)
    {
        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
        return (widths[0], widths[1]);
    }

    /// <summary>The cards' words are text: no border or background that would make them look pressable.</summary>
    private static async Task AssertPlainTextAsync(IPage page)
    {
        var looksPressable = await page.GetByRole(AriaRole.List, new() { Name = "Menus" }).EvaluateAsync<int>(
            """
            list => [...list.querySelectorAll("[aria-label^='Your access to'] li")].filter(item => {
                const style = getComputedStyle(item);
                return style.borderTopStyle !== "none" || style.backgroundColor !== "rgba(0, 0, 0, 0)" || style.cursor === "pointer";
            }).length
            """);
        Assert.Equal(0, looksPressable);
    }
}
