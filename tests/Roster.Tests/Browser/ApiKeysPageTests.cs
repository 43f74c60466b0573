using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Roster.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Roster.Tests.Browser;

/// <summary>Settings > API keys in Chromium: a key is shown once, works, and stops working when revoked.</summary>
public sealed class ApiKeysPageTests(RosterApp app, BrowserFixture browser)
{
    [Fact]
    public async Task Admin_creates_a_key_shown_once_and_revokes_it()
    {
        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await context.NewPageAsync();
        var workspaceId = await Pages.SignUpWithNewWorkspaceAsync(app, page, "Kim Keys", TestUsers.NewEmail());
        await app.SetPlanAsync(workspaceId, TestPlans.Enterprise);
        await Pages.OpenSettingsFromAccountMenuAsync(page);
        await Pages.SettingsSection(page, "API keys").ClickAsync();
        await Expect(Pages.SettingsSection(page, "API keys")).ToHaveAttributeAsync("aria-current", "page");

        // An empty name is a field error.
        await page.GetByRole(AriaRole.Button, new() { Name = "Create API key" }).ClickAsync();
        await Expect(page.GetByLabel("Name", new() { Exact = true })).ToHaveAccessibleDescriptionAsync(new Regex("Give the key a name"));

        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("flags service");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create API key" }).ClickAsync();
        var secretBox = page.GetByRole(AriaRole.Textbox, new() { Name = "New API key" });
        await Expect(secretBox).ToHaveValueAsync(new Regex("^roster_key_[A-Za-z0-9_-]{43}$"));
        await Expect(secretBox).ToHaveAttributeAsync("readonly", "");
        await Expect(page.GetByText("it will not be shown again")).ToBeVisibleAsync();
        var secret = await secretBox.InputValueAsync();

        // The key answers the authorization API (about anyone: a stranger is "not a member").
        using var client = app.CreateHttpClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        using (var answered = await AuthorizeAsync(client, workspaceId))
        {
            Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        }

        // Shown once: the next visit lists the key without its secret.
        await page.GotoAsync($"/w/{workspaceId}/settings/api-keys");
        await Expect(page.GetByRole(AriaRole.Textbox, new() { Name = "New API key" })).ToHaveCountAsync(0);
        Assert.DoesNotContain(secret, await page.ContentAsync(), StringComparison.Ordinal);
        var row = Pages.Row(page, "flags service");
        await Expect(row).ToContainTextAsync("Kim Keys");
        await Expect(row).ToContainTextAsync("active");

        await row.GetByRole(AriaRole.Button, new() { Name = "Revoke API key flags service" }).ClickAsync();
        await Expect(Pages.Notice(page)).ToContainTextAsync("The API key flags service");
        await Expect(Pages.Notice(page)).ToContainTextAsync("was revoked");
        await Expect(Pages.Row(page, "flags service")).ToContainTextAsync("revoked");
        await Expect(Pages.Row(page, "flags service").GetByRole(AriaRole.Button)).ToHaveCountAsync(0);

        using var refused = await AuthorizeAsync(client, workspaceId);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    private static Task<HttpResponseMessage> AuthorizeAsync(HttpClient client, Guid workspaceId) =>
        client.PostAsJsonAsync(
            $"/api/v1/workspaces/{workspaceId}/authorize",
            new Features.Access.AuthorizeRequest(Guid.NewGuid(), "ab-test", "edit"),
            TestContext.Current.CancellationToken);
}
