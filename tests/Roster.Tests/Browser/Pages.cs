using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Roster.Tests.Browser;

/// <summary>What a person does on Roster's pages, in the words on the screen (labels and button names).</summary>
public static class Pages
{
    public const string Password = "a long and unusual passphrase 42";

    public static async Task SignUpAsync(IPage page, string name, string email)
    {
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign up", Exact = true }).ClickAsync();
    }

    public static async Task SignInAsync(IPage page, string email)
    {
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
    }

    /// <summary>Signs up from /signup and waits for the new workspace's dashboard; returns its id.</summary>
    public static async Task<Guid> SignUpWithNewWorkspaceAsync(IPage page, string name, string email)
    {
        await page.GotoAsync("/signup");
        await SignUpAsync(page, name, email);
        await page.WaitForURLAsync("**/w/*");
        return Guid.Parse(new Uri(page.Url).Segments[^1]);
    }

    /// <summary>Opens the popup from the given button, picks a permission and copies a link; returns the link.</summary>
    public static async Task<string> CopyInvitationLinkAsync(IPage page, string permission)
    {
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Invite to Workspace" });
        await Expect(dialog).ToBeVisibleAsync();
        await dialog.GetByLabel("Permission").SelectOptionAsync(permission);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Copy Invitation Link" }).ClickAsync();
        var linkBox = dialog.GetByRole(AriaRole.Textbox, new() { Name = "Invitation link" });
        await Expect(linkBox).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("/invite/[A-Za-z0-9_-]{43}$"));
        return await linkBox.InputValueAsync();
    }

    public static ILocator Notice(IPage page) => page.GetByRole(AriaRole.Status).First;
}
