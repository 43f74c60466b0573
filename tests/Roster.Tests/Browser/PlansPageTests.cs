using Microsoft.Playwright;
using Roster.Features.Workspaces;
using Roster.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Roster.Tests.Browser;

/// <summary>Plans in Chromium: the plan-full page, the popup's full notice, Settings > Plan and the locked features.</summary>
public sealed class PlansPageTests(RosterApp app, BrowserFixture browser)
{
    [Fact]
    public async Task The_sixth_person_on_a_Free_workspace_sees_the_plan_full_page_and_the_link_works_once_a_seat_frees()
    {
        var (admin, workspace, members) = await FullFreeWorkspaceAsync("Five Seat Co");
        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Member");
        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await context.NewPageAsync();

        // Before signing up: told at once, with no sign-in form to lead them into an account they cannot use here.
        var response = await page.GotoAsync(link.Url);
        Assert.Equal(409, response!.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Five Seat Co is full" })).ToBeVisibleAsync();
        await Expect(page.GetByText("has 5 of 5 members, as many as its Free plan allows")).ToBeVisibleAsync();
        await Expect(page.GetByText("Ask an Admin of Five Seat Co to free a seat or to move the workspace to a bigger plan.")).ToBeVisibleAsync();
        await Expect(page.GetByText("This invitation link still works")).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Password")).ToHaveCountAsync(0);

        // Signed in, they may try again; while it is full the answer stays the same.
        var sixth = await TestUsers.RegisterAsync(app);
        await Pages.SignInAsync(page, sixth);
        await page.GotoAsync(link.Url);
        await page.GetByRole(AriaRole.Button, new() { Name = "Try again" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Five Seat Co is full" })).ToBeVisibleAsync();

        using var removed = await admin.Client.RemoveMemberAsync(workspace.Id, members[^1].Id);
        await removed.EnsureSuccessAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Try again" }).ClickAsync();
        await Pages.WaitForUrlAsync(page, $"**/w/{workspace.Id}");
        await Expect(Pages.Notice(page)).ToHaveTextAsync("You joined Five Seat Co as Member");
    }

    [Fact]
    public async Task The_invite_popup_says_the_workspace_is_full_and_still_makes_a_link()
    {
        var (admin, _, _) = await FullFreeWorkspaceAsync("Packed Team");
        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await context.NewPageAsync();
        await Pages.SignInAsync(page, admin);
        await Pages.OpenSettingsFromAccountMenuAsync(page);

        await page.GetByRole(AriaRole.Button, new() { Name = "Invite", Exact = true }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Invite to Workspace" });
        await Expect(dialog.GetByRole(AriaRole.Note)).ToContainTextAsync(
            "Packed Team has 5 of 5 members on the Free plan. People who open a new link can't join until a seat frees up or the plan changes.");
        await Expect(dialog.GetByRole(AriaRole.Link, new() { Name = "See plans" })).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("/settings/plan$"));
        await Pages.CopyInvitationLinkAsync(page, "Viewer");
    }

    [Fact]
    public async Task Settings_Plan_shows_the_seats_bar_every_plan_and_the_locked_features_which_the_pages_show_locked()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync("Small Plan Co");
        await TestUsers.JoinAsync(app, admin, workspace.Id, "Viewer");
        await TestUsers.JoinAsync(app, admin, workspace.Id, "Member");
        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await context.NewPageAsync();
        await Pages.SignInAsync(page, admin);
        await Pages.OpenSettingsFromAccountMenuAsync(page);
        await Pages.SettingsSection(page, "Plan").ClickAsync();
        await Pages.WaitForUrlAsync(page, $"**/w/{workspace.Id}/settings/plan");

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Small Plan Co is on the Free plan" })).ToBeVisibleAsync();
        var bar = page.GetByRole(AriaRole.Progressbar, new() { Name = "Seats used" });
        await Expect(bar).ToHaveAttributeAsync("value", "3");
        await Expect(bar).ToHaveAttributeAsync("max", "5");
        await Expect(page.Locator("#seats-text")).ToHaveTextAsync("3 of 5 members");
        var locked = page.Locator("#locked-features");
        await Expect(locked).ToContainTextAsync("Custom permissions: part of the Enterprise plan");
        await Expect(locked).ToContainTextAsync("API keys: part of the Pro plan");
        var table = page.GetByRole(AriaRole.Table, new() { Name = "Plans" });
        await Expect(table.GetByRole(AriaRole.Columnheader)).ToHaveTextAsync(["Free (current)", "Pro", "Enterprise"]);
        await Expect(Pages.Row(page, "Members")).ToContainTextAsync("Up to 5");
        await Expect(Pages.Row(page, "Members")).ToContainTextAsync("No limit");
        await Expect(page.Locator("#plan-command")).ToHaveTextAsync($"dotnet run --project src/Roster -- plan set {workspace.Id} Pro");

        // Permission Management: + Create Permission is a locked notice naming the plan that has it.
        await Pages.SettingsSection(page, "Permission Management").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "+ Create Permission" })).ToHaveCountAsync(0);
        var permissionsLock = page.GetByRole(AriaRole.Note, new() { Name = "Custom permissions locked" });
        await Expect(permissionsLock).ToContainTextAsync("Custom permissions are part of the Enterprise plan");
        await Expect(permissionsLock.GetByRole(AriaRole.Link, new() { Name = "See plans" })).ToBeVisibleAsync();

        // API keys: the create form is a locked notice too.
        await Pages.SettingsSection(page, "API keys").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Create API key" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Note, new() { Name = "API keys locked" })).ToContainTextAsync("API keys are part of the Pro plan");

        // After the plan changes, the pages unlock and Settings > Plan says there is no limit.
        await app.SetPlanAsync(workspace.Id, TestPlans.Enterprise);
        await page.ReloadAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Create API key" })).ToBeVisibleAsync();
        await Pages.SettingsSection(page, "Plan").ClickAsync();
        await Expect(page.Locator("#seats-text")).ToHaveTextAsync("3 members: the Enterprise plan has no member limit");
        await Expect(page.Locator("#locked-features")).ToHaveCountAsync(0);
    }

    /// <summary>A Free workspace with its Admin and four members: as many as the plan allows.</summary>
    private async Task<(TestUser Admin, WorkspaceResponse Workspace, List<TestUser> Members)> FullFreeWorkspaceAsync(string name)
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync(name);
        var members = new List<TestUser>();
        for (var i = 0; i < 4; i++)
        {
            members.Add(await TestUsers.JoinAsync(app, admin, workspace.Id, "Viewer"));
        }

        return (admin, workspace, members);
    }
}
