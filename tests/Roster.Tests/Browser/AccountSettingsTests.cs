using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Roster.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Roster.Tests.Browser;

/// <summary>Account settings in Chromium: the email change confirmed from the link sent to the new address, and a personal access token shown once and revoked.</summary>
public sealed class AccountSettingsTests(RosterApp app, BrowserFixture browser)
{
    [Fact]
    public async Task A_person_changes_their_email_by_the_link_sent_to_the_new_address()
    {
        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await context.NewPageAsync();
        var oldEmail = TestUsers.NewEmail();
        var newEmail = TestUsers.NewEmail();
        await Pages.SignUpWithNewWorkspaceAsync(app, page, "Eve Email", oldEmail);

        await page.GotoAsync("/account");
        await page.GetByLabel("New email", new() { Exact = true }).FillAsync(newEmail);
        await page.GetByLabel("Current password", new() { Exact = true }).FillAsync(Pages.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Change email" }).ClickAsync();
        await Expect(Pages.Notice(page)).ToContainTextAsync($"We sent a link to {newEmail}");
        await Expect(page.GetByText("Waiting for you to confirm")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Resend" })).ToBeVisibleAsync();
        await Expect(page.GetByText($"You sign in with {oldEmail}")).ToBeVisibleAsync();

        var link = Mailbox.FirstLink(await app.Mailbox.WaitForMessageAsync(newEmail, m => m.Subject == "Confirm your new email address for Roster"));
        await page.GotoAsync(link.PathAndQuery);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Confirm your new email address" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm new address" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Email address changed" })).ToBeVisibleAsync();

        // Still signed in here, now with the new address.
        await page.GotoAsync("/account");
        await Expect(page.GetByText($"You sign in with {newEmail}")).ToBeVisibleAsync();
        await Expect(page.GetByText("Waiting for you to confirm")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_person_creates_a_token_shown_once_uses_it_and_revokes_it()
    {
        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await context.NewPageAsync();
        var workspaceId = await Pages.SignUpWithNewWorkspaceAsync(app, page, "Tom Tokens", TestUsers.NewEmail());
        await page.GotoAsync("/account/tokens");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Personal access tokens" })).ToHaveAttributeAsync("aria-current", "page");

        // An empty name is a field error.
        await page.GetByRole(AriaRole.Button, new() { Name = "Create token" }).ClickAsync();
        await Expect(page.GetByLabel("Name", new() { Exact = true })).ToHaveAccessibleDescriptionAsync(new Regex("Give the token a name"));

        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("deploy script");
        await page.GetByLabel("Workspace and permission").SelectOptionAsync(await ViewerOptionAsync(page));
        await page.GetByLabel("Expires in (days)").FillAsync("7");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create token" }).ClickAsync();
        var secretBox = page.GetByRole(AriaRole.Textbox, new() { Name = "New personal access token" });
        await Expect(secretBox).ToHaveValueAsync(new Regex("^roster_pat_[A-Za-z0-9_-]{43}$"));
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Copy token" })).ToBeVisibleAsync();
        await Expect(page.GetByText("it will not be shown again")).ToBeVisibleAsync();
        var secret = await secretBox.InputValueAsync();

        using var client = app.CreateHttpClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        using (var used = await client.GetAsync(new Uri($"/api/v1/workspaces/{workspaceId}", UriKind.Relative), TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, used.StatusCode);
        }

        // Shown once: the next visit lists it, used, without its secret.
        await page.GotoAsync("/account/tokens");
        await Expect(page.GetByRole(AriaRole.Textbox, new() { Name = "New personal access token" })).ToHaveCountAsync(0);
        Assert.DoesNotContain(secret, await page.ContentAsync(), StringComparison.Ordinal);
        var row = Pages.Row(page, "deploy script");
        await Expect(row).ToContainTextAsync("Viewer");
        await Expect(row).ToContainTextAsync("active");
        await Expect(row).Not.ToContainTextAsync("Never");

        await row.GetByRole(AriaRole.Button, new() { Name = "Revoke token deploy script" }).ClickAsync();
        await Expect(Pages.Notice(page)).ToContainTextAsync("was revoked");
        await Expect(Pages.Row(page, "deploy script")).ToContainTextAsync("revoked");
        await Expect(Pages.Row(page, "deploy script").GetByRole(AriaRole.Button)).ToHaveCountAsync(0);

        using var refused = await client.GetAsync(new Uri($"/api/v1/workspaces/{workspaceId}", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    /// <summary>The value of the select's option that gives the token Viewer (options read "Workspace: Permission").</summary>
    private static async Task<string> ViewerOptionAsync(IPage page)
    {
        var option = page.GetByLabel("Workspace and permission").Locator("option").Filter(new() { HasTextRegex = new Regex(": Viewer$") }).First;
        return await option.GetAttributeAsync("value") ?? throw new InvalidOperationException("No Viewer option.");
    }
}
