using Microsoft.Playwright;
using Roster.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Roster.Tests.Browser;

/// <summary>Pages for links that can no longer be used, on an app whose clock the test moves.</summary>
public sealed class ExpiredLinkTests(BrowserFixture browser, RosterAppWithFakeClock app) : IClassFixture<RosterAppWithFakeClock>
{
    [Fact]
    public async Task An_expired_link_shows_its_own_page_and_joins_nobody()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync("Expiry Lab");
        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Member", expiresInDays: 1);
        app.Clock.Advance(TimeSpan.FromDays(2));

        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await context.NewPageAsync();
        var response = await page.GotoAsync(link.Url);

        Assert.Equal(410, response!.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "This invitation link has expired" })).ToBeVisibleAsync();
        await Expect(page.GetByText("Ask an Admin of Expiry Lab for a new invitation link.")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign in" })).ToHaveCountAsync(0);
    }
}
