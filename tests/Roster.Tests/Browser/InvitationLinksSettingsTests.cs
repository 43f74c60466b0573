using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Roster.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Roster.Tests.Browser;

/// <summary>
/// Settings > Workspace's invitation links: live ones first, past ones folded with why they stopped, Revoke that asks
/// first and then says when and by whom; and every time on the page in the viewer's own zone, with UTC on hover.
/// </summary>
public sealed partial class InvitationLinksSettingsTests(RosterApp app, BrowserFixture browser)
{
    /// <summary>A time as en-US shows it with Intl's medium date and short time: "Jan 1, 2026, 7:00 AM".</summary>
    [GeneratedRegex(@"^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}\s[AP]M$")]
    private static partial Regex LocalTime();

    [Fact]
    public async Task Live_links_come_first_and_past_ones_are_folded_with_why_they_stopped_in_local_time()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync("Links lab");
        var live = await admin.Client.CreateLinkAsync(workspace.Id, "Member", maxUses: 10);
        var usedUp = await admin.Client.CreateLinkAsync(workspace.Id, "Viewer", maxUses: 1);
        var teammate = await TestUsers.RegisterAsync(app);
        using (var accepted = await teammate.Client.AcceptAsync(ApiClient.TokenOf(usedUp)))
        {
            await accepted.EnsureSuccessAsync();
        }

        var revoked = await admin.Client.CreateLinkAsync(workspace.Id, "Viewer");
        using (var revoke = await admin.Client.DeleteAsync(new Uri($"/api/v1/workspaces/{workspace.Id}/invitation-links/{revoked.Id}", UriKind.Relative), TestContext.Current.CancellationToken))
        {
            await revoke.EnsureSuccessAsync();
        }

        // An expired link, at a known instant: noon UTC on 1 January 2026 is 7:00 AM in New York.
        var expired = await admin.Client.CreateLinkAsync(workspace.Id, "Member");
        var noon = new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
        await app.QueryAsync(db => db.InvitationLinks.Where(l => l.Id == expired.Id)
            .ExecuteUpdateAsync(setters => setters.SetProperty(l => l.ExpiresAt, noon), TestContext.Current.CancellationToken));

        await using var context = await browser.NewContextAsync(app.BaseAddress, new() { TimezoneId = "America/New_York", Locale = "en-US" });
        var page = await context.NewPageAsync();
        await Pages.SignInAsync(page, admin);
        await page.GotoAsync($"/w/{workspace.Id}/settings/workspace");

        // Live first: the one link that still lets people in, with its uses.
        var liveTable = page.GetByRole(AriaRole.Table, new() { Name = "Live invitation links" });
        await Expect(liveTable.GetByRole(AriaRole.Row)).ToHaveCountAsync(2);
        await Expect(liveTable.GetByRole(AriaRole.Row).Nth(1)).ToContainTextAsync("0 of 10");
        await Expect(liveTable.GetByRole(AriaRole.Row).Nth(1)).ToContainTextAsync(admin.Email);

        // Past ones are folded, counted in the summary, each with why it stopped.
        var pastTable = page.GetByRole(AriaRole.Table, new() { Name = "Past invitation links" });
        await Expect(pastTable).ToBeHiddenAsync();
        await page.GetByText("Past links (3)").ClickAsync();
        await Expect(pastTable).ToBeVisibleAsync();
        await Expect(pastTable.GetByRole(AriaRole.Row).Filter(new() { HasText = "Used up" })).ToContainTextAsync("1 of 1");
        await Expect(pastTable.GetByRole(AriaRole.Row).Filter(new() { HasText = "Revoked on" })).ToContainTextAsync($"by {admin.Email}");
        var expiredRow = pastTable.GetByRole(AriaRole.Row).Filter(new() { HasText = "Expired on" });
        await Expect(expiredRow).ToContainTextAsync("0, no limit");

        // The viewer's local time in the text, the exact instant and UTC kept for machines and for hovering.
        var expiry = expiredRow.Locator("time").Last;
        await Expect(expiry).ToHaveTextAsync(new Regex(@"^Jan 1, 2026, 7:00\sAM$"));
        await Expect(expiry).ToHaveAttributeAsync("title", "1 Jan 2026, 12:00 UTC");
        await Expect(expiry).ToHaveAttributeAsync("datetime", "2026-01-01T12:00:00Z");

        // One format on the screen: every time reads the same way, none is left in UTC.
        var times = await page.Locator("time").AllTextContentsAsync();
        Assert.True(times.Count >= 6, $"Expected the links' times, found {times.Count}.");
        Assert.All(times, text => Assert.Matches(LocalTime(), text));
        Assert.Equal(live.Id, (await admin.Client.ListLinksAsync(workspace.Id)).Single(link => link.Status == "active").Id);
    }

    [Fact]
    public async Task Revoke_asks_first_and_then_shows_when_and_by_whom()
    {
        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await context.NewPageAsync();
        var workspaceId = await Pages.SignUpWithNewWorkspaceAsync(app, page, "Remy Revoker", TestUsers.NewEmail());
        await page.GotoAsync($"/w/{workspaceId}/settings/workspace");
        await page.GetByRole(AriaRole.Main).GetByRole(AriaRole.Button, new() { Name = "Invite", Exact = true }).ClickAsync();
        await Pages.CopyInvitationLinkAsync(page, "Viewer");
        await page.GetByRole(AriaRole.Dialog, new() { Name = "Invite to Workspace" }).GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();

        var liveTable = page.GetByRole(AriaRole.Table, new() { Name = "Live invitation links" });
        var revoke = liveTable.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Revoke link ") });
        var fingerprint = (await revoke.GetAttributeAsync("aria-label"))!["Revoke link ".Length..];

        // Cancel changes nothing.
        await revoke.ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = $"Revoke link {fingerprint}?", Exact = true });
        await Expect(dialog).ToContainTextAsync("Nobody can join Remy Revoker's Workspace through it any more");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();
        await Expect(liveTable.GetByRole(AriaRole.Row)).ToHaveCountAsync(2);

        await Pages.ConfirmAsync(page, revoke, $"Revoke link {fingerprint}?", "Revoke link");
        await Expect(Pages.Notice(page)).ToHaveTextAsync($"Link {fingerprint} was revoked. Nobody can join through it any more.");
        await Expect(page.GetByText("No live links")).ToBeVisibleAsync();
        await page.GetByText("Past links (1)").ClickAsync();
        var row = page.GetByRole(AriaRole.Table, new() { Name = "Past invitation links" }).GetByRole(AriaRole.Row).Filter(new() { HasText = fingerprint });
        await Expect(row).ToContainTextAsync(new Regex(@"Revoked on .+ by Remy Revoker"));
        await Expect(row.Locator("time").Last).ToHaveAttributeAsync("title", new Regex(@"^\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} UTC$"));
    }
}
