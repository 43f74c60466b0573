using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Roster.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Roster.Tests.Browser;

/// <summary>
/// Several workspaces (issue 8, part 5): switching from the header, the last used one opening by default, Create workspace
/// from the header's menu, and deleting a workspace, which tells its members by email and ends their access.
/// </summary>
public sealed class SeveralWorkspacesTests(RosterApp app, BrowserFixture browser)
{
    [Fact]
    public async Task A_person_in_two_workspaces_switches_from_the_header_and_the_last_used_opens_next_time()
    {
        var alphaAdmin = await TestUsers.RegisterAsync(app);
        var alpha = await alphaAdmin.Client.CreateWorkspaceAsync($"Alpha {Guid.NewGuid():N}"[..14]);
        var betaAdmin = await TestUsers.RegisterAsync(app);
        var beta = await betaAdmin.Client.CreateWorkspaceAsync($"Beta {Guid.NewGuid():N}"[..13]);
        var person = await TestUsers.RegisterAsync(app);
        await AcceptAsync(person, alphaAdmin, alpha.Id, "Member");
        await AcceptAsync(person, betaAdmin, beta.Id, "Viewer");

        await using (var context = await browser.NewContextAsync(app.BaseAddress))
        {
            var page = await context.NewPageAsync();
            await Pages.SignInAsync(page, person);

            // The workspace joined last is the last used one so far.
            await Pages.WaitForUrlAsync(page, $"**/w/{beta.Id}");
            await Expect(Pages.WorkspaceSwitcher(page)).ToHaveAccessibleNameAsync($"{beta.Name} switch workspace");

            await Pages.WorkspaceSwitcher(page).ClickAsync();
            var menu = page.GetByRole(AriaRole.Navigation, new() { Name = "Your workspaces" });
            await Expect(menu.GetByRole(AriaRole.Link, new() { Name = beta.Name })).ToHaveAttributeAsync("aria-current", "page");
            await AccessibilityChecks.CheckAsync(page);
            await menu.GetByRole(AriaRole.Link, new() { Name = $"{alpha.Name} Member" }).ClickAsync();

            await Pages.WaitForUrlAsync(page, $"**/w/{alpha.Id}");
            await Expect(Pages.WorkspaceSwitcher(page)).ToHaveAccessibleNameAsync($"{alpha.Name} switch workspace");
        }

        // Another browser, another day: the workspace used last opens.
        await using var later = await browser.NewContextAsync(app.BaseAddress);
        var again = await later.NewPageAsync();
        await Pages.SignInAsync(again, person);
        await Pages.WaitForUrlAsync(again, $"**/w/{alpha.Id}");
        await again.GotoAsync("/");
        await Pages.WaitForUrlAsync(again, $"**/w/{alpha.Id}");
    }

    [Fact]
    public async Task Create_workspace_from_the_header_menu_asks_the_name_and_opens_the_new_workspace()
    {
        var person = await TestUsers.RegisterAsync(app);
        var first = await person.Client.CreateWorkspaceAsync("First lab");
        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await context.NewPageAsync();
        await Pages.SignInAsync(page, person);
        await Pages.WaitForUrlAsync(page, $"**/w/{first.Id}");

        await Pages.WorkspaceSwitcher(page).ClickAsync();
        await page.GetByRole(AriaRole.Banner).GetByRole(AriaRole.Link, new() { Name = "Create workspace" }).ClickAsync();
        await Pages.WaitForUrlAsync(page, "**/workspaces/new");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Create a workspace" })).ToBeVisibleAsync();

        // An empty name is a field error beside the field; nothing is created.
        await page.GetByLabel("Workspace name").FillAsync("  ");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create workspace" }).ClickAsync();
        await Expect(page.Locator("#workspace-name-error")).ToContainTextAsync("Give the workspace a name");
        await Expect(page.GetByLabel("Workspace name")).ToHaveAttributeAsync("aria-invalid", "true");
        Assert.Single((await person.Client.GetMeAsync()).Workspaces);

        await page.GetByLabel("Workspace name").FillAsync("Second lab");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create workspace" }).ClickAsync();

        await Pages.WaitForUrlAsync(page, new Regex("/w/[0-9a-f-]{36}$"));
        await Expect(Pages.Notice(page)).ToHaveTextAsync("Second lab is ready. You are its Admin.");
        await Expect(Pages.WorkspaceSwitcher(page)).ToHaveAccessibleNameAsync("Second lab switch workspace");
        var workspaces = (await person.Client.GetMeAsync()).Workspaces;
        Assert.Equal(2, workspaces.Count);
        var created = Assert.Single(workspaces, w => w.Name == "Second lab");
        Assert.EndsWith($"/w/{created.Id}", page.Url, StringComparison.Ordinal);

        // It is the last used now.
        await page.GotoAsync("/");
        await Pages.WaitForUrlAsync(page, $"**/w/{created.Id}");
    }

    [Fact]
    public async Task Deleting_a_workspace_after_typing_its_name_emails_its_members_and_ends_their_access()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync($"Sunset {Guid.NewGuid():N}"[..15]);
        var member = await TestUsers.JoinAsync(app, admin, workspace.Id, "Member");
        var viewer = await TestUsers.JoinAsync(app, admin, workspace.Id, "Viewer");

        // The member has the dashboard open while the Admin deletes the workspace.
        await using var memberContext = await browser.NewContextAsync(app.BaseAddress);
        var memberPage = await memberContext.NewPageAsync();
        await Pages.SignInAsync(memberPage, member);
        await Pages.WaitForUrlAsync(memberPage, $"**/w/{workspace.Id}");

        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await context.NewPageAsync();
        await Pages.SignInAsync(page, admin);
        await page.GotoAsync($"/w/{workspace.Id}/settings/workspace");
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete workspace" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = $"Delete {workspace.Name}?" });
        await dialog.GetByLabel("Workspace name").FillAsync(workspace.Name);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Delete this workspace" }).ClickAsync();
        await Expect(Pages.Notice(page)).ToHaveTextAsync($"{workspace.Name} was deleted.");

        foreach (var told in new[] { member, viewer })
        {
            var email = await app.Mailbox.WaitForMessageAsync(told.Email, m => m.Subject == $"{workspace.Name} was deleted");
            Assert.Contains(admin.Email, email.TextBody, StringComparison.Ordinal);
            Assert.Contains("you no longer have access", email.TextBody, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(app.Mailbox.Messages, m => m.Subject == $"{workspace.Name} was deleted" && m.To.Mailboxes.Any(to => to.Address == admin.Email));
        var reloaded = await memberPage.ReloadAsync();
        Assert.Equal(404, reloaded!.Status);
        await memberPage.GotoAsync("/");
        await Expect(memberPage.GetByRole(AriaRole.Heading, new() { Name = "You are not in a workspace" })).ToBeVisibleAsync();
    }

    private static async Task AcceptAsync(TestUser person, TestUser admin, Guid workspaceId, string permission)
    {
        var link = await admin.Client.CreateLinkAsync(workspaceId, permission);
        using var accepted = await person.Client.AcceptAsync(ApiClient.TokenOf(link));
        await accepted.EnsureSuccessAsync();
    }
}
