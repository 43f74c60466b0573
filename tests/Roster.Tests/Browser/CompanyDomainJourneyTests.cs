using Microsoft.Playwright;
using Roster.Tests.CompanyDomains;
using Roster.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Roster.Tests.Browser;

/// <summary>
/// One company, one workspace (issue 8): a second person at the company's domain is led to the existing workspace
/// ("Your team may already use Roster"), asks to join, an Admin approves as Member in Settings > Workspace, and the
/// person lands in the workspace; a person at a public mail domain gets a fresh workspace as before.
/// </summary>
public sealed class CompanyDomainJourneyTests(RosterApp app, BrowserFixture browser)
{
    [Fact]
    public async Task A_colleague_at_the_company_domain_asks_to_join_and_lands_in_the_workspace_once_an_Admin_approves()
    {
        var domain = DomainPeople.NewDomain();
        await using var adminContext = await browser.NewContextAsync(app.BaseAddress);
        var adminPage = await adminContext.NewPageAsync();
        var workspaceId = await Pages.SignUpWithNewWorkspaceAsync(app, adminPage, "Ada Admin", $"ada@{domain}");

        // The Admin sees the domain the workspace took from their verified address, with Request to join.
        await adminPage.GotoAsync($"/w/{workspaceId}/settings/workspace");
        await Expect(adminPage.GetByRole(AriaRole.Textbox, new() { Name = "Company domain", Exact = true })).ToHaveValueAsync(domain);
        await Expect(adminPage.GetByRole(AriaRole.Radio, new() { Name = "Request to join: an Admin approves each one" })).ToBeCheckedAsync();
        await Expect(adminPage.Locator("[data-locked-feature=automatic-domain-join]")).ToBeVisibleAsync();

        // The colleague signs up and verifies their address: instead of a workspace of their own, their team.
        await using var colleagueContext = await browser.NewContextAsync(app.BaseAddress);
        var page = await colleagueContext.NewPageAsync();
        await page.GotoAsync("/signup");
        await Pages.SignUpAsync(page, "Bo Colleague", $"bo@{domain.ToUpperInvariant()}");
        await Pages.FinishSignUpAsync(app, page, $"bo@{domain.ToUpperInvariant()}");
        await Pages.WaitForUrlAsync(page, "**/discover");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your team may already use Roster", Level = 1 })).ToBeVisibleAsync();
        var team = page.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "Ada Admin's Workspace" });
        await Expect(team).ToContainTextAsync("1 member");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Create a new workspace anyway" })).ToBeVisibleAsync();
        await team.GetByRole(AriaRole.Button, new() { Name = "Request to join Ada Admin's Workspace" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("You asked to join Ada Admin's Workspace");
        await Expect(team).ToContainTextAsync("You asked to join");

        // The Admin approves as Member in Settings > Workspace.
        await adminPage.ReloadAsync();
        var requests = adminPage.GetByRole(AriaRole.Region, new() { Name = "Requests to join" });
        await requests.GetByLabel("Approve Bo Colleague as").SelectOptionAsync("Member");
        await requests.GetByRole(AriaRole.Button, new() { Name = "Approve", Exact = true }).ClickAsync();
        await Expect(Pages.Notice(adminPage)).ToHaveTextAsync("Bo Colleague joined as Member. They were told by email.");
        await Expect(requests).ToContainTextAsync("No pending requests.");

        // The colleague's next visit opens the workspace, as a Member.
        await page.GotoAsync("/");
        await Pages.WaitForUrlAsync(page, $"**/w/{workspaceId}");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Invite" })).ToHaveCountAsync(0);
        var me = await app.QueryAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(
            db.Memberships, m => m.WorkspaceId == workspaceId && m.Source == Features.Members.MembershipSource.JoinRequest, TestContext.Current.CancellationToken));
        Assert.NotEqual(Guid.Empty, me.UserId);
    }

    [Fact]
    public async Task A_person_at_a_public_mail_domain_gets_a_fresh_workspace()
    {
        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await context.NewPageAsync();
        var workspaceId = await Pages.SignUpWithNewWorkspaceAsync(app, page, "Gia Gmail", TestUsers.NewEmail("gmail.com"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Gia Gmail's Workspace", Level = 1 })).ToBeVisibleAsync();

        await page.GotoAsync($"/w/{workspaceId}/settings/workspace");
        await Expect(page.GetByRole(AriaRole.Textbox, new() { Name = "Company domain", Exact = true })).ToHaveValueAsync("");
    }
}
