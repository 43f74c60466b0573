using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Roster.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Roster.Tests.Browser;

/// <summary>
/// Continue with &lt;provider&gt; in Chromium against two real OpenID Connect providers (issue 7, items 2, 3 and 8): sign-up
/// and sign-in again, an invitation link carried through the provider's page into the workspace, and linking and
/// unlinking from Sign-in methods, never the last one.
/// </summary>
public sealed class OidcSignInTests(OidcApp app, BrowserFixture browser) : IClassFixture<OidcApp>
{
    [Fact]
    public async Task A_person_signs_up_with_a_provider_and_later_signs_in_with_it_again()
    {
        app.Require();
        var account = ProviderAccount.New(emailVerified: true) with { Name = "Priya Provider" };
        await using (var context = await browser.NewContextAsync(app.BaseAddress))
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync("/signup");
            await page.GetByRole(AriaRole.Button, new() { Name = "Continue with " + OidcApp.AlphaName }).ClickAsync();
            await SignInAtProviderAsync(page, account);
            await Pages.WaitForUrlAsync(page, "**/w/*");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Priya Provider's Workspace" })).ToBeVisibleAsync();
        }

        await using var later = await browser.NewContextAsync(app.BaseAddress);
        var again = await later.NewPageAsync();
        await again.GotoAsync("/login");
        await again.GetByRole(AriaRole.Button, new() { Name = "Continue with " + OidcApp.AlphaName }).ClickAsync();
        await SignInAtProviderAsync(again, account);
        await Pages.WaitForUrlAsync(again, "**/w/*");
        await Expect(again.GetByRole(AriaRole.Heading, new() { Name = "Priya Provider's Workspace" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_teammate_joins_from_an_invitation_link_with_a_provider()
    {
        app.Require();
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Viewer");
        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await context.NewPageAsync();

        await page.GotoAsync(new Uri(link.Url).PathAndQuery);
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue with " + OidcApp.BetaName }).ClickAsync();
        await SignInAtProviderAsync(page, ProviderAccount.New() with { Name = "Tia Teammate" });

        await Pages.WaitForUrlAsync(page, $"**/w/{workspace.Id}");
        await Expect(Pages.Notice(page)).ToHaveTextAsync($"You joined {workspace.Name} as Viewer");
        var member = Assert.Single(await admin.Client.ListMembersAsync(workspace.Id), m => m.Name == "Tia Teammate");
        Assert.Equal("Viewer", member.Permission);
    }

    [Fact]
    public async Task Sign_in_methods_link_and_unlink_a_provider_but_never_the_last_method()
    {
        app.Require();
        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await context.NewPageAsync();

        // An account made by a provider, with no password; its email is then marked unverified (as an account from before
        // the address was verified would be), so that the provider is its only way in.
        await page.GotoAsync("/login");
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue with " + OidcApp.AlphaName }).ClickAsync();
        var account = ProviderAccount.New();
        await SignInAtProviderAsync(page, account);
        await Pages.WaitForUrlAsync(page, "**/w/*");
        var normalized = account.Email!.ToUpperInvariant();
        await app.QueryAsync(db => db.Users.Where(u => u.NormalizedEmail == normalized).ExecuteUpdateAsync(set => set.SetProperty(u => u.EmailConfirmed, false)));
        await page.GotoAsync("/account/sign-in-methods");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign-in methods", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByText("not set.")).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Unlink " + OidcApp.AlphaName, Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("the only way you can sign in");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Unlink " + OidcApp.AlphaName, Exact = true })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Link " + OidcApp.BetaName, Exact = true }).ClickAsync();
        await SignInAtProviderAsync(page, ProviderAccount.New(emailVerified: false));
        await Pages.WaitForUrlAsync(page, "**/account/sign-in-methods");
        await Expect(Pages.Notice(page)).ToContainTextAsync($"{OidcApp.BetaName} is linked");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Link " + OidcApp.BetaName, Exact = true })).ToHaveCountAsync(0);

        await page.GetByRole(AriaRole.Button, new() { Name = "Unlink " + OidcApp.AlphaName, Exact = true }).ClickAsync();
        await Expect(Pages.Notice(page)).ToContainTextAsync("unlinked");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Unlink " + OidcApp.AlphaName, Exact = true })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Link " + OidcApp.AlphaName, Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Unlink " + OidcApp.BetaName, Exact = true })).ToBeVisibleAsync();
    }

    /// <summary>Fills in the test provider's own sign-in page (it asserts whatever identity it is given).</summary>
    private static async Task SignInAtProviderAsync(IPage page, ProviderAccount account)
    {
        await Expect(page.GetByRole(AriaRole.Heading, new() { NameRegex = new Regex("^Sign in to ") })).ToBeVisibleAsync();
        await page.GetByLabel("Subject", new() { Exact = true }).FillAsync(account.Subject);
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(account.Email ?? "");
        if (account.EmailVerified)
        {
            await page.GetByLabel("Email verified", new() { Exact = true }).CheckAsync();
        }

        await page.GetByLabel("Name", new() { Exact = true }).FillAsync(account.Name ?? "");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
    }
}
