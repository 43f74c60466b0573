using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Roster.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Roster.Tests.Browser;

/// <summary>
/// A new Admin's first minutes: the "Get started" card (name the workspace, invite the team) on the dashboard of the
/// workspace their sign-up made, the email reminder in plain words, and /Index for someone left with no workspace.
/// </summary>
public sealed class OnboardingTests(RosterApp app, BrowserFixture browser)
{
    [Fact]
    public async Task Sign_up_shows_Get_started_Save_name_renames_Invite_opens_the_popup_and_Dismiss_hides_it_for_good()
    {
        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await context.NewPageAsync();
        var workspaceId = await Pages.SignUpWithNewWorkspaceAsync(app, page, "Olga Owner", TestUsers.NewEmail());

        var card = GetStarted(page);
        await Expect(card).ToBeVisibleAsync();
        var name = card.GetByLabel("Workspace name", new() { Exact = true });
        await Expect(name).ToHaveValueAsync("Olga Owner's Workspace");

        // A refused name is a field error beside the field, and nothing changes.
        await name.FillAsync("   ");
        await card.GetByRole(AriaRole.Button, new() { Name = "Save name", Exact = true }).ClickAsync();
        await Expect(card.Locator("#onboarding-name-error")).ToContainTextAsync("Give the workspace a name");
        await Expect(card.GetByLabel("Workspace name", new() { Exact = true })).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Olga Owner's Workspace", Level = 1 })).ToBeVisibleAsync();

        await card.GetByLabel("Workspace name", new() { Exact = true }).FillAsync("Olga's Pricing Lab");
        await card.GetByRole(AriaRole.Button, new() { Name = "Save name", Exact = true }).ClickAsync();
        await Expect(Pages.Notice(page)).ToHaveTextAsync("Saved. Your workspace is called Olga's Pricing Lab.");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Olga's Pricing Lab", Level = 1 })).ToBeVisibleAsync();
        await Expect(page).ToHaveTitleAsync("Olga's Pricing Lab - Roster");
        await Expect(Pages.WorkspaceSwitcher(page)).ToContainTextAsync("Olga's Pricing Lab");
        await Expect(card.GetByText("Done")).ToBeVisibleAsync();
        await Expect(card.GetByRole(AriaRole.Button, new() { Name = "Save name" })).ToHaveCountAsync(0);

        // Step 2 opens the seed's popup.
        await card.GetByRole(AriaRole.Button, new() { Name = "Invite your team", Exact = true }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Invite to Workspace" });
        await Expect(dialog).ToBeVisibleAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();

        // Dismiss puts it away for good: a reload, and a new visit, do not bring it back.
        await card.GetByRole(AriaRole.Button, new() { Name = "Dismiss Get started", Exact = true }).ClickAsync();
        await Expect(Pages.Notice(page)).ToContainTextAsync("Get started is hidden.");
        await Expect(GetStarted(page)).ToHaveCountAsync(0);
        await page.ReloadAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Olga's Pricing Lab", Level = 1 })).ToBeVisibleAsync();
        await Expect(GetStarted(page)).ToHaveCountAsync(0);
        await page.GotoAsync($"/w/{workspaceId}");
        await Expect(GetStarted(page)).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Invite", Exact = true })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task On_a_phone_accepting_the_suggested_name_is_one_click()
    {
        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await context.NewPageAsync();
        await page.SetViewportSizeAsync(390, 844);
        await Pages.SignUpWithNewWorkspaceAsync(app, page, "Pia Phone", TestUsers.NewEmail());

        var card = GetStarted(page);
        await Expect(card).ToBeVisibleAsync();
        var box = await card.BoundingBoxAsync();
        Assert.True(box is not null && box.X >= 0 && box.X + box.Width <= 390, $"The card does not fit 390 px: {box?.X} + {box?.Width}");

        await card.GetByRole(AriaRole.Button, new() { Name = "Save name", Exact = true }).ClickAsync();
        await Expect(Pages.Notice(page)).ToHaveTextAsync("Saved. Your workspace is called Pia Phone's Workspace.");
        await Expect(GetStarted(page).GetByText("Done")).ToBeVisibleAsync();
        await Expect(GetStarted(page).GetByRole(AriaRole.Button, new() { Name = "Invite your team" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_card_is_gone_once_someone_joins_even_after_they_leave_again()
    {
        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await context.NewPageAsync();
        var workspaceId = await Pages.SignUpWithNewWorkspaceAsync(app, page, "Jo Joiner", TestUsers.NewEmail());
        await GetStarted(page).GetByRole(AriaRole.Button, new() { Name = "Invite your team" }).ClickAsync();
        var link = await Pages.CopyInvitationLinkAsync(page, "Member");

        var teammate = await TestUsers.RegisterAsync(app);
        using (var accepted = await teammate.Client.AcceptAsync(new Uri(link).Segments[^1]))
        {
            await accepted.EnsureSuccessAsync();
        }

        await page.GotoAsync($"/w/{workspaceId}");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Settings", Exact = true })).ToBeVisibleAsync();
        await Expect(GetStarted(page)).ToHaveCountAsync(0);

        // The teammate leaves: the Admin is alone again (Invite is back), but the card stays away.
        using (var left = await teammate.Client.DeleteAsync(new Uri($"/api/v1/workspaces/{workspaceId}/members/{teammate.Id}", UriKind.Relative), TestContext.Current.CancellationToken))
        {
            await left.EnsureSuccessAsync();
        }

        await page.GotoAsync($"/w/{workspaceId}");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Invite", Exact = true })).ToBeVisibleAsync();
        await Expect(GetStarted(page)).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task The_email_reminder_says_why_and_Dismiss_keeps_it_away()
    {
        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await context.NewPageAsync();
        // Registered through the API, so not verified yet (a sign-up on the page verifies as it goes), then signed in here.
        var email = TestUsers.NewEmail();
        using (var registered = await app.CreateHttpClient().PostAsJsonAsync(
            "/api/v1/auth/register", new { email, password = Pages.Password, name = "Rhea Reminder" }, TestContext.Current.CancellationToken))
        {
            await registered.EnsureSuccessAsync();
        }

        await page.GotoAsync("/login");
        await Pages.SignInAsync(page, email);
        await Pages.WaitForUrlAsync(page, "**/w/*");
        var workspaceId = Guid.Parse(new Uri(page.Url).Segments[^1]);

        var reminder = page.GetByRole(AriaRole.Region, new() { Name = "Confirm your email" });
        await Expect(reminder).ToContainTextAsync("Confirm your email so teammates' company-only invitation links work for you.");
        await reminder.GetByRole(AriaRole.Button, new() { Name = "Dismiss the email reminder", Exact = true }).ClickAsync();
        await Pages.WaitForUrlAsync(page, $"**/w/{workspaceId}");
        await Expect(reminder).ToHaveCountAsync(0);

        // Remembered on the server: a new session (another device) does not show it either.
        await context.ClearCookiesAsync();
        await page.GotoAsync("/login");
        await Pages.SignInAsync(page, email);
        await Pages.WaitForUrlAsync(page, $"**/w/{workspaceId}");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Rhea Reminder's Workspace", Level = 1 })).ToBeVisibleAsync();
        await Expect(reminder).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Someone_with_no_workspace_names_a_new_one_on_the_front_page()
    {
        var user = await TestUsers.RegisterAsync(app);
        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await context.NewPageAsync();

        // Signed up through the API and signed in through it too: no workspace yet, so "/" asks for one's name.
        await context.AddCookiesAsync(await CookiesOfAsync(user));
        await page.GotoAsync("/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "You are not in a workspace" })).ToBeVisibleAsync();
        var name = page.GetByLabel("Workspace name", new() { Exact = true });
        await Expect(name).ToHaveValueAsync(new Regex("'s Workspace$"));

        await name.FillAsync(" ");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create workspace" }).ClickAsync();
        await Expect(page.Locator("#new-workspace-name-error")).ToContainTextAsync("Give the workspace a name of 1 to 80 characters.");
        await Expect(name).ToHaveAttributeAsync("aria-invalid", "true");

        await name.FillAsync("Checkout Squad");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create workspace" }).ClickAsync();
        await Pages.WaitForUrlAsync(page, "**/w/*");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Checkout Squad", Level = 1 })).ToBeVisibleAsync();

        // The name was chosen, so the card's first step is already done.
        await Expect(GetStarted(page).GetByText("Done")).ToBeVisibleAsync();
    }

    private static ILocator GetStarted(IPage page) => page.GetByRole(AriaRole.Region, new() { Name = "Get started", Exact = true });

    /// <summary>The cookies of an API sign-in with <c>useCookies</c>, for a browser context to carry.</summary>
    private async Task<Cookie[]> CookiesOfAsync(TestUser user)
    {
        var container = new System.Net.CookieContainer();
        using var client = app.CreateHttpClient(container);
        using var response = await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(
            client, "/api/v1/auth/login?useCookies=true", new { email = user.Email, password = user.Password }, TestContext.Current.CancellationToken);
        await response.EnsureSuccessAsync();
        return [.. container.GetAllCookies().Select(cookie => new Cookie
        {
            Name = cookie.Name, Value = cookie.Value, Url = app.BaseAddress.ToString(), HttpOnly = cookie.HttpOnly,
        })];
    }
}
