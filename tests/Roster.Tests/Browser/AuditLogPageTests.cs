using Microsoft.Playwright;
using Roster.Features.Audit;
using Roster.Tests.Api;
using Roster.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Roster.Tests.Browser;

/// <summary>Settings > Audit log in Chromium: export locked on Free with the plan named; an Admin filters by action and downloads the CSV.</summary>
public sealed class AuditLogPageTests(RosterApp app, BrowserFixture browser)
{
    [Fact]
    public async Task Admin_filters_the_log_by_action_and_downloads_the_csv()
    {
        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await context.NewPageAsync();
        var workspaceId = await Pages.SignUpWithNewWorkspaceAsync(app, page, "Ada Audit", TestUsers.NewEmail());

        // On the default plan the export is locked, with the plan that has it and the way to Settings > Plan.
        await Pages.OpenSettingsFromAccountMenuAsync(page);
        await Pages.SettingsSection(page, "Audit log").ClickAsync();
        await Expect(Pages.SettingsSection(page, "Audit log")).ToHaveAttributeAsync("aria-current", "page");
        var locked = page.GetByRole(AriaRole.Note);
        await Expect(locked).ToContainTextAsync("Export locked");
        await Expect(locked).ToContainTextAsync("Enterprise");
        await Expect(locked.GetByRole(AriaRole.Link, new() { Name = "See Settings > Plan" })).ToHaveAttributeAsync("href", $"/w/{workspaceId}/settings/plan");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Download CSV" })).ToHaveCountAsync(0);
        await Expect(Pages.Row(page, AuditActions.WorkspaceCreated)).ToContainTextAsync("Ada Audit");

        // The operator's plan change, two keys and a revocation make entries of three more actions.
        await app.SetPlanAsync(workspaceId, "Enterprise");
        await Pages.SettingsSection(page, "API keys").ClickAsync();
        foreach (var name in new[] { "reports", "flags" })
        {
            await page.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
            await page.GetByRole(AriaRole.Button, new() { Name = "Create API key" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Textbox, new() { Name = "New API key" })).ToBeVisibleAsync();
        }

        await Pages.Row(page, "flags").GetByRole(AriaRole.Button, new() { Name = "Revoke API key flags" }).ClickAsync();
        await Expect(Pages.Notice(page)).ToContainTextAsync("was revoked");

        await Pages.SettingsSection(page, "Audit log").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Main).GetByRole(AriaRole.Row)).ToHaveCountAsync(1 + 5);
        await Expect(Pages.Row(page, AuditActions.PlanChanged)).ToContainTextAsync("Free → Enterprise");
        await page.GetByLabel("Action", new() { Exact = true }).SelectOptionAsync(AuditActions.ApiKeyCreated);
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter", Exact = true }).ClickAsync();
        await Pages.WaitForUrlAsync(page, $"**/settings/audit-log?*action={AuditActions.ApiKeyCreated}*");
        var rows = page.GetByRole(AriaRole.Main).GetByRole(AriaRole.Row);
        await Expect(rows).ToHaveCountAsync(1 + 2);
        await Expect(Pages.Row(page, "reports (")).ToContainTextAsync("Ada Audit");
        await Expect(Pages.Row(page, "reports (")).ToContainTextAsync("127.0.0.1");
        await Expect(page.GetByRole(AriaRole.Main).GetByRole(AriaRole.Table)).Not.ToContainTextAsync(AuditActions.ApiKeyRevoked);

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download CSV" }).ClickAsync());
        Assert.EndsWith(".csv", download.SuggestedFilename, StringComparison.Ordinal);
        var path = await download.PathAsync();
        var csv = Rfc4180.Parse(await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken));
        Assert.Equal(AuditExportResult.CsvHeader, csv[0]);
        Assert.Equal(["flags", "reports"], csv.Skip(1).Select(row => row[10].Split(' ')[0]).Order(StringComparer.Ordinal));
        Assert.All(csv.Skip(1), row => Assert.Equal((AuditActions.ApiKeyCreated, "Ada Audit", "success"), (row[7], row[4], row[11])));
    }
}
