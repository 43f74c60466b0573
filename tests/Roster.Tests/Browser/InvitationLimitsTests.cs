using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Roster.Pages.Shared;
using Roster.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Roster.Tests.Browser;

/// <summary>
/// A link's page says its limits before anyone signs up or signs in (who may join, until when, how many more times),
/// and so do the sign-up and sign-in forms reached from it, so nobody makes an account that the link then refuses.
/// </summary>
public sealed class InvitationLimitsTests(RosterApp app, BrowserFixture browser)
{
    [Theory]
    [InlineData(1280, 800)]
    [InlineData(390, 844)]
    public async Task A_link_for_one_domain_says_who_can_join_until_when_and_how_many_more_times(int width, int height)
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync("Acme Limits");
        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Member", maxUses: 3, allowedDomains: ["acme.test"]);
        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await context.NewPageAsync();
        await page.SetViewportSizeAsync(width, height);

        await page.GotoAsync(link.Url);
        var limits = page.GetByRole(AriaRole.List, new() { Name = "What this link allows" });
        await Expect(limits.GetByRole(AriaRole.Listitem)).ToHaveTextAsync(
        [
            Exactly("Only people with an @acme.test address can join, and the address must be verified first."),
            ExpiryLine,
            Exactly("It works 3 more times."),
        ]);
        // The expiry is a time like every other: the viewer's local time, with UTC on hover.
        var expiry = limits.Locator("time");
        await Expect(expiry).ToHaveAttributeAsync("datetime", TimeHtml.Instant(link.ExpiresAt));
        await Expect(expiry).ToHaveAttributeAsync("title", TimeHtml.UtcText(link.ExpiresAt));
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "The link's page scrolls sideways.");

        // The sign-up form reached from the link says the same, and so does the sign-in form.
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign up" }).ClickAsync();
        await Pages.WaitForUrlAsync(page, new Regex("/signup\\?invite="));
        await Expect(page.GetByText("Only people with an @acme.test address can join, and the address must be verified first.")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in" }).ClickAsync();
        await Pages.WaitForUrlAsync(page, new Regex("/login\\?invite="));
        await Expect(page.GetByText("Only people with an @acme.test address can join")).ToBeVisibleAsync();
        await Expect(page.GetByText("It works 3 more times.")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_link_for_two_domains_names_both_and_an_unrestricted_link_names_none()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync("Two Domains");
        var restricted = await admin.Client.CreateLinkAsync(workspace.Id, "Viewer", allowedDomains: ["a.test", "b.test"]);
        var open = await admin.Client.CreateLinkAsync(workspace.Id, "Viewer");
        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await context.NewPageAsync();

        await page.GotoAsync(restricted.Url);
        await Expect(page.GetByText("Only people with an @a.test or @b.test address can join, and the address must be verified first.")).ToBeVisibleAsync();
        await page.GotoAsync($"/signup?invite={ApiClient.TokenOf(restricted)}");
        await Expect(page.GetByText("Only people with an @a.test or @b.test address can join")).ToBeVisibleAsync();

        // No domain and no limit on uses: only the expiry is said.
        await page.GotoAsync(open.Url);
        await Expect(page.GetByRole(AriaRole.List, new() { Name = "What this link allows" }).GetByRole(AriaRole.Listitem))
            .ToHaveTextAsync([ExpiryLine]);
        await Expect(page.GetByText("Only people with")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task An_Admin_link_says_it_works_one_more_time()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync("Single Admin Link");
        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Admin");
        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await context.NewPageAsync();

        await page.GotoAsync(link.Url);
        await Expect(page.GetByText("as Admin")).ToBeVisibleAsync();
        await Expect(page.GetByText("It works one more time.")).ToBeVisibleAsync();
    }

    /// <summary>The expiry's line, whatever the zone and language the browser shows the time in.</summary>
    private static readonly Regex ExpiryLine = new("^The link expires on .+\\.$");

    private static Regex Exactly(string text) => new($"^{Regex.Escape(text)}$");
}
