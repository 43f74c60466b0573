using Microsoft.Playwright;
using Roster.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Roster.Tests.Browser;

/// <summary>Continue with email in Chromium: the code, the link, and the invitation carried through (issue 7 item 8).</summary>
public sealed class EmailSignInTests(RosterApp app, BrowserFixture browser)
{
    [Fact]
    public async Task Invitation_link_then_Continue_with_email_then_the_code_joins_with_the_links_permission()
    {
        await using var adminContext = await browser.NewContextAsync(app.BaseAddress);
        await using var guestContext = await browser.NewContextAsync(app.BaseAddress);
        var admin = await adminContext.NewPageAsync();
        var guest = await guestContext.NewPageAsync();
        var workspaceId = await Pages.SignUpWithNewWorkspaceAsync(app, admin, "Cleo Chief", TestUsers.NewEmail());
        await admin.GetByRole(AriaRole.Button, new() { Name = "Invite", Exact = true }).ClickAsync();
        var link = await Pages.CopyInvitationLinkAsync(admin, "Viewer");

        var guestEmail = TestUsers.NewEmail();
        await guest.GotoAsync(link);
        await guest.GetByRole(AriaRole.Link, new() { Name = "Continue with email" }).ClickAsync();
        await Expect(guest.GetByText("Sign in to join Cleo Chief's Workspace as Viewer")).ToBeVisibleAsync();
        await Pages.ContinueWithEmailAsync(guest, guestEmail);

        // A mail scanner opens the link first: it sees a button and spends nothing.
        var (code, mailedLink) = await EmailCodeMail.WaitForNewAsync(app.Mailbox, guestEmail);
        var scanned = await app.CreateHttpClient().GetStringAsync(mailedLink.PathAndQuery, TestContext.Current.CancellationToken);
        Assert.Contains("Sign in as", scanned, StringComparison.Ordinal);

        await Pages.EnterEmailCodeAsync(guest, code);
        await Pages.WaitForUrlAsync(guest, $"**/w/{workspaceId}");
        await Expect(Pages.Notice(guest)).ToHaveTextAsync("You joined Cleo Chief's Workspace as Viewer");
        var member = (await app.QueryAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(
            db.Users, u => u.Email == guestEmail, TestContext.Current.CancellationToken)));
        Assert.True(member.EmailConfirmed);
    }

    [Fact]
    public async Task The_link_confirmed_on_another_browser_signs_in_there()
    {
        await using var askingContext = await browser.NewContextAsync(app.BaseAddress);
        await using var phoneContext = await browser.NewContextAsync(app.BaseAddress);
        var asking = await askingContext.NewPageAsync();
        var phone = await phoneContext.NewPageAsync();
        var email = TestUsers.NewEmail();

        await asking.GotoAsync("/login");
        await asking.GetByRole(AriaRole.Link, new() { Name = "Continue with email" }).ClickAsync();
        await Pages.ContinueWithEmailAsync(asking, email);
        var (code, link) = await EmailCodeMail.WaitForNewAsync(app.Mailbox, email);

        await phone.GotoAsync(link.PathAndQuery);
        await Expect(phone.GetByText($"Sign in as {email}?")).ToBeVisibleAsync();
        await phone.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Pages.WaitForUrlAsync(phone, "**/w/*");

        // The request is spent: its code no longer works in the browser that asked.
        await Pages.EnterEmailCodeAsync(asking, code);
        await Expect(Pages.PageError(asking)).ToContainTextAsync("expired or was already used");
    }
}
