using Microsoft.Playwright;
using Roster.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Roster.Tests.Browser;

/// <summary>Every way an invitation link can go wrong has its own page that says what to do next.</summary>
public sealed class InvitationProblemPagesTests(RosterApp app, BrowserFixture browser)
{
    [Fact]
    public async Task An_unknown_link_says_it_is_not_valid_and_names_no_workspace()
    {
        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await context.NewPageAsync();
        var response = await page.GotoAsync($"/invite/{Infrastructure.Tokens.Random()}");

        Assert.Equal(404, response!.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "This invitation link is not valid" })).ToBeVisibleAsync();
        await Expect(page.GetByText("Workspace")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_used_up_link_says_so_and_names_the_workspace_to_ask()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync("Single Seat Co");
        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Viewer", maxUses: 1);
        var first = await TestUsers.RegisterAsync(app);
        using var accepted = await first.Client.AcceptAsync(ApiClient.TokenOf(link));
        await accepted.EnsureSuccessAsync();

        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await context.NewPageAsync();
        var response = await page.GotoAsync(link.Url);

        Assert.Equal(410, response!.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "This invitation link has been used up" })).ToBeVisibleAsync();
        await Expect(page.GetByText("Ask an Admin of Single Seat Co for a new invitation link.")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task An_existing_account_signs_in_on_the_link_page_and_joins()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync("Sign In Works");
        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Member");
        var email = TestUsers.NewEmail();
        await using (var signup = await browser.NewContextAsync(app.BaseAddress))
        {
            await Pages.SignUpWithNewWorkspaceAsync(app, await signup.NewPageAsync(), "Ike Existing", email);
        }

        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await context.NewPageAsync();
        await page.GotoAsync(link.Url);
        await Pages.SignInAsync(page, email);

        await Pages.WaitForUrlAsync(page, $"**/w/{workspace.Id}");
        await Expect(Pages.Notice(page)).ToHaveTextAsync("You joined Sign In Works as Member");
    }

    [Fact]
    public async Task A_domain_restricted_link_turns_away_other_domains_and_asks_for_a_verified_address()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync("Acme Only");
        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Member", allowedDomains: ["acme.test"]);
        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await context.NewPageAsync();

        // Someone signed in with another domain is told, and offered to switch account.
        await Pages.SignUpWithNewWorkspaceAsync(app, page, "Olga Outsider", TestUsers.NewEmail("elsewhere.test"));
        var refused = await page.GotoAsync(link.Url);
        Assert.Equal(403, refused!.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "This link is for another email domain" })).ToBeVisibleAsync();
        await Expect(page.GetByText("only accepts addresses at @acme.test")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Switch account" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Join Acme Only" })).ToBeVisibleAsync();

        // A new account on the right domain verifies its address as it signs up, and the link it came with lets it in.
        var insider = TestUsers.NewEmail("acme.test");
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign up" }).ClickAsync();
        await Pages.SignUpAsync(page, "Ian Insider", insider);
        await Pages.FinishSignUpAsync(app, page, insider);
        await Pages.WaitForUrlAsync(page, $"**/w/{workspace.Id}");
        await Expect(Pages.Notice(page)).ToHaveTextAsync("You joined Acme Only as Member");
    }

    [Fact]
    public async Task The_verification_email_sent_again_from_a_domain_restricted_link_brings_the_person_into_the_workspace()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync("Acme Verified");
        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Member", allowedDomains: ["acme.test"]);
        var colleague = await TestUsers.RegisterAsync(app, TestUsers.NewEmail("acme.test"));
        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await context.NewPageAsync();
        await Pages.SignInAsync(page, colleague);

        // Signed in with the right domain but an unverified address: the page asks to verify and offers a new email.
        var refused = await page.GotoAsync(link.Url);
        Assert.Equal(403, refused!.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Verify your email to join Acme Verified" })).ToBeVisibleAsync();
        // A new email, whose link carries the invitation as the one sent at sign-up through a link does: verifying joins.
        // The account already had its own workspace, so its first proof shows the workspaces it belongs to, continuing to
        // the one it joined.
        await Pages.VerifyFromInvitationPageAsync(app, page, colleague.Email);
        await Pages.WaitForUrlAsync(page, $"**/account/proven?returnUrl=%2Fw%2F{workspace.Id}");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Acme Verified" })).ToBeVisibleAsync();
        var member = (await admin.Client.ListMembersAsync(workspace.Id)).Single(m => m.UserId == colleague.Id);
        Assert.Equal(("Member", "invitation_link"), (member.Permission, member.Source));
    }
}
