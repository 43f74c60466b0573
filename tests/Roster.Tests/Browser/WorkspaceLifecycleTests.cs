using Microsoft.Playwright;
using Roster.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Roster.Tests.Browser;

/// <summary>Settings > Workspace: an Admin renames the workspace, then deletes it after typing its name.</summary>
public sealed class WorkspaceLifecycleTests(RosterApp app, BrowserFixture browser)
{
    [Fact]
    public async Task Admin_renames_the_workspace_then_deletes_it_after_typing_its_name()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync("Pricing lab");
        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await context.NewPageAsync();
        await Pages.SignInAsync(page, admin);
        await page.GotoAsync($"/w/{workspace.Id}/settings/workspace");

        // An empty name is a field error beside the field; nothing changes.
        var name = page.GetByLabel("Workspace name", new() { Exact = true }).First;
        await name.FillAsync("   ");
        await page.GetByRole(AriaRole.Button, new() { Name = "Rename" }).ClickAsync();
        await Expect(page.Locator("#workspace-name-error")).ToContainTextAsync("Give the workspace a name");
        await Expect(page.Locator("#workspace-name")).ToHaveAttributeAsync("aria-invalid", "true");

        await page.Locator("#workspace-name").FillAsync("Pricing & Growth");
        await page.GetByRole(AriaRole.Button, new() { Name = "Rename" }).ClickAsync();
        await Expect(Pages.Notice(page)).ToHaveTextAsync("The workspace is now called Pricing & Growth.");
        await Expect(page.Locator("#workspace-name")).ToHaveValueAsync("Pricing & Growth");

        // A wrong name deletes nothing.
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete workspace" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Delete Pricing & Growth?" });
        await dialog.GetByLabel("Workspace name").FillAsync("Pricing");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Delete this workspace" }).ClickAsync();
        await Expect(Pages.PageError(page)).ToContainTextAsync("Nothing was deleted.");

        await page.GetByRole(AriaRole.Button, new() { Name = "Delete workspace" }).ClickAsync();
        await dialog.GetByLabel("Workspace name").FillAsync("Pricing & Growth");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Delete this workspace" }).ClickAsync();

        // Their only workspace is gone: "/" says so and offers to create one.
        await Expect(Pages.Notice(page)).ToHaveTextAsync("Pricing & Growth was deleted.");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "You are not in a workspace" })).ToBeVisibleAsync();
        var response = await page.GotoAsync($"/w/{workspace.Id}");
        Assert.Equal(404, response!.Status);
    }
}
