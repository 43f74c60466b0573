using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Roster.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Roster.Tests.Browser;

/// <summary>
/// Settings > Members and Leave, as two people in two browser contexts: what an Admin changes takes effect on
/// the member's very next page load. The workspaces are set up through the API; the pages are the point.
/// </summary>
public sealed class MemberAdministrationTests(RosterApp app, BrowserFixture browser)
{
    [Fact]
    public async Task Admin_makes_a_member_Viewer_and_their_next_page_load_is_read_only()
    {
        var (admin, workspace, member) = await WorkspaceWithMemberAsync("Member");
        await using var adminContext = await browser.NewContextAsync(app.BaseAddress);
        await using var memberContext = await browser.NewContextAsync(app.BaseAddress);
        var adminPage = await adminContext.NewPageAsync();
        var memberPage = await memberContext.NewPageAsync();
        await Pages.SignInAsync(adminPage, admin);
        await Pages.SignInAsync(memberPage, member);
        await memberPage.GotoAsync($"/w/{workspace.Id}");
        await Expect(Pages.GrantsOn(memberPage, "A/B Test")).ToHaveTextAsync([Pages.FullAccess, Pages.RawDataAccess, Pages.DataStatusAccess]);

        await adminPage.GotoAsync($"/w/{workspace.Id}/settings/members");
        var row = Pages.Row(adminPage, member.Email);
        await row.GetByRole(AriaRole.Combobox, new() { Name = $"Permission of {member.Email}" }).SelectOptionAsync(new SelectOptionValue { Label = "Viewer" });
        await row.GetByRole(AriaRole.Button, new() { Name = $"Save permission of {member.Email}" }).ClickAsync();
        await Expect(Pages.Notice(adminPage)).ToHaveTextAsync($"{member.Email} is now Viewer.");
        await Expect(Pages.Row(adminPage, member.Email).GetByRole(AriaRole.Combobox).Locator("option:checked")).ToHaveTextAsync("Viewer");

        await memberPage.ReloadAsync();
        await Expect(memberPage.GetByText("You are Viewer in this workspace.")).ToBeVisibleAsync();
        foreach (var menu in new[] { "A/B Test", "Feature Flag", "Remote Config", "Analytics", "Data Management", "CRM" })
        {
            await Expect(Pages.GrantsOn(memberPage, menu)).ToHaveTextAsync(["Read only", Pages.DataStatusAccess]);
        }

        // A member reads the list but changes nothing there.
        await memberPage.GotoAsync($"/w/{workspace.Id}/settings/members");
        await Expect(Pages.Row(memberPage, member.Email)).ToContainTextAsync("Viewer");
        await Expect(memberPage.GetByRole(AriaRole.Main).GetByRole(AriaRole.Combobox)).ToHaveCountAsync(0);
        await Expect(memberPage.GetByRole(AriaRole.Main).GetByRole(AriaRole.Button, new() { Name = "Remove" })).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Admin_removes_a_member_whose_next_page_load_says_they_have_no_access()
    {
        var (admin, workspace, member) = await WorkspaceWithMemberAsync("Member");
        await using var adminContext = await browser.NewContextAsync(app.BaseAddress);
        await using var memberContext = await browser.NewContextAsync(app.BaseAddress);
        var adminPage = await adminContext.NewPageAsync();
        var memberPage = await memberContext.NewPageAsync();
        await Pages.SignInAsync(adminPage, admin);
        await Pages.SignInAsync(memberPage, member);
        await memberPage.GotoAsync($"/w/{workspace.Id}");
        await Expect(memberPage.GetByRole(AriaRole.Heading, new() { Name = workspace.Name })).ToBeVisibleAsync();

        await adminPage.GotoAsync($"/w/{workspace.Id}/settings/members");
        var remove = Pages.Row(adminPage, member.Email).GetByRole(AriaRole.Button, new() { Name = $"Remove {member.Email}" });

        // The first click only asks; Cancel changes nothing.
        await remove.ClickAsync();
        var dialog = adminPage.GetByRole(AriaRole.Dialog, new() { Name = $"Remove {member.Email}?" });
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();
        await Expect(Pages.Row(adminPage, member.Email)).ToHaveCountAsync(1);

        await Pages.ConfirmAsync(adminPage, remove, $"Remove {member.Email}?", $"Remove {member.Email}");
        await Expect(Pages.Notice(adminPage)).ToHaveTextAsync($"{member.Email} was removed from the workspace.");
        await Expect(Pages.Row(adminPage, member.Email)).ToHaveCountAsync(0);

        var response = await memberPage.ReloadAsync();
        Assert.Equal(404, response!.Status);
        await Expect(memberPage.GetByRole(AriaRole.Heading, new() { Name = "Page not found" })).ToBeVisibleAsync();
        await Expect(memberPage.GetByText("or you do not have access")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_member_leaves_after_confirming_and_the_last_Admin_cannot_leave()
    {
        var (admin, workspace, member) = await WorkspaceWithMemberAsync("Viewer");
        await using var adminContext = await browser.NewContextAsync(app.BaseAddress);
        await using var memberContext = await browser.NewContextAsync(app.BaseAddress);
        var adminPage = await adminContext.NewPageAsync();
        var memberPage = await memberContext.NewPageAsync();
        await Pages.SignInAsync(adminPage, admin);
        await Pages.SignInAsync(memberPage, member);

        await memberPage.GotoAsync($"/w/{workspace.Id}");
        await memberPage.GetByRole(AriaRole.Link, new() { Name = "Settings", Exact = true }).ClickAsync();
        await Pages.ConfirmAsync(
            memberPage, memberPage.GetByRole(AriaRole.Button, new() { Name = "Leave workspace", Exact = true }), $"Leave {workspace.Name}?", $"Leave {workspace.Name}");

        // Their only workspace: they land on the front door, outside it.
        await Pages.WaitForUrlAsync(memberPage, new Regex("/$"));
        await Expect(Pages.Notice(memberPage)).ToHaveTextAsync($"You left {workspace.Name}.");
        await Expect(memberPage.GetByRole(AriaRole.Heading, new() { Name = "You are not in a workspace" })).ToBeVisibleAsync();
        Assert.DoesNotContain(await admin.Client.ListMembersAsync(workspace.Id), m => m.UserId == member.Id);

        // The Admin is the last one: leaving is refused on the page, and they stay.
        await adminPage.GotoAsync($"/w/{workspace.Id}/settings/workspace");
        await Pages.ConfirmAsync(
            adminPage, adminPage.GetByRole(AriaRole.Button, new() { Name = "Leave workspace", Exact = true }), $"Leave {workspace.Name}?", $"Leave {workspace.Name}");
        await Expect(Pages.PageError(adminPage)).ToHaveTextAsync("A workspace needs at least one Admin. Make another member Admin first.");
        Assert.EndsWith($"/w/{workspace.Id}/settings/workspace", new Uri(adminPage.Url).AbsolutePath, StringComparison.Ordinal);
        Assert.Contains(await admin.Client.ListMembersAsync(workspace.Id), m => m.UserId == admin.Id);
    }

    [Fact]
    public async Task The_last_Admin_cannot_demote_themselves_and_is_told_why()
    {
        var (admin, workspace, _) = await WorkspaceWithMemberAsync("Member");
        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await context.NewPageAsync();
        await Pages.SignInAsync(page, admin);
        await page.GotoAsync($"/w/{workspace.Id}/settings/members");

        var row = Pages.Row(page, admin.Email);
        await row.GetByRole(AriaRole.Combobox, new() { Name = $"Permission of {admin.Email}" }).SelectOptionAsync(new SelectOptionValue { Label = "Member" });
        await row.GetByRole(AriaRole.Button, new() { Name = $"Save permission of {admin.Email}" }).ClickAsync();
        await Expect(Pages.PageError(page)).ToHaveTextAsync("A workspace needs at least one Admin. Make another member Admin first.");
        await Expect(Pages.Row(page, admin.Email).GetByRole(AriaRole.Combobox).Locator("option:checked")).ToHaveTextAsync("Admin");
    }

    [Fact]
    public async Task Members_are_searched_and_paged_fifty_at_a_time()
    {
        var admin = await TestUsers.RegisterAsync(app);

        // 51 members: more than the default Free plan allows, and this test is not about plans.
        var workspace = await app.CreateWorkspaceOnPlanAsync(admin, TestPlans.Enterprise);
        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Viewer");
        var joined = new List<TestUser>();
        for (var i = 0; i < 50; i++)
        {
            var user = await TestUsers.RegisterAsync(app);
            using var accepted = await user.Client.AcceptAsync(ApiClient.TokenOf(link));
            await accepted.EnsureSuccessAsync();
            joined.Add(user);
        }

        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await context.NewPageAsync();
        await Pages.SignInAsync(page, admin);
        await page.GotoAsync($"/w/{workspace.Id}/settings/members");

        // 51 members: 50 on the first page (the Admin first, by join order), the last one on the next.
        var body = page.GetByRole(AriaRole.Main).GetByRole(AriaRole.Table).Locator("tbody tr");
        await Expect(page.GetByText("51 members.")).ToBeVisibleAsync();
        await Expect(body).ToHaveCountAsync(50);
        await page.GetByRole(AriaRole.Link, new() { Name = "Next page" }).ClickAsync();
        await Expect(body).ToHaveCountAsync(1);
        await Expect(body).ToContainTextAsync(joined[^1].Email);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Next page" })).ToHaveCountAsync(0);

        await page.GetByLabel("Search members").FillAsync(joined[7].Email.ToUpperInvariant());
        await page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();
        await Expect(body).ToHaveCountAsync(1);
        await Expect(body).ToContainTextAsync(joined[7].Email);
        await Expect(page.GetByText("1 member matches")).ToBeVisibleAsync();
    }

    private async Task<(TestUser Admin, Features.Workspaces.WorkspaceResponse Workspace, TestUser Member)> WorkspaceWithMemberAsync(string permission)
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync($"Team {Guid.NewGuid():N}"[..13]);
        var member = await TestUsers.JoinAsync(app, admin, workspace.Id, permission);
        return (admin, workspace, member);
    }
}
