using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Roster.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Roster.Tests.Browser;

/// <summary>
/// Email invitations in a real browser: an Admin invites by email in the popup's second tab, the invited person opens the
/// emailed link, signs up with that address and lands in the workspace; another account is refused and offered to switch.
/// </summary>
public sealed class EmailInvitationTests(RosterApp app, BrowserFixture browser)
{
    [Fact]
    public async Task An_Admin_invites_by_email_and_the_invited_person_signs_up_from_the_emailed_link_and_lands_in_the_workspace()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await app.CreateWorkspaceOnPlanAsync(admin, TestPlans.Pro, "Email Invite Co");
        var invited = TestUsers.NewEmail();
        await using var adminContext = await browser.NewContextAsync(app.BaseAddress);
        var page = await adminContext.NewPageAsync();
        await Pages.SignInAsync(page, admin);
        await page.GotoAsync($"/w/{workspace.Id}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Invite", Exact = true }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Invite to Workspace" });

        // The link is the first, default tab; the arrow key moves to "Invite by email" and shows its panel.
        var linkTab = dialog.GetByRole(AriaRole.Tab, new() { Name = "Share a link" });
        var emailTab = dialog.GetByRole(AriaRole.Tab, new() { Name = "Invite by email" });
        await Expect(linkTab).ToHaveAttributeAsync("aria-selected", "true");
        await Expect(dialog.GetByRole(AriaRole.Button, new() { Name = "Copy Invitation Link" })).ToBeVisibleAsync();
        await linkTab.FocusAsync();
        await page.Keyboard.PressAsync("ArrowRight");
        await Expect(emailTab).ToBeFocusedAsync();
        await Expect(emailTab).ToHaveAttributeAsync("aria-selected", "true");
        var panel = dialog.GetByRole(AriaRole.Tabpanel, new() { Name = "Invite by email" });
        await Expect(panel).ToBeVisibleAsync();
        await Expect(dialog.GetByRole(AriaRole.Button, new() { Name = "Copy Invitation Link" })).ToBeHiddenAsync();

        await panel.GetByLabel("Email addresses").FillAsync($"not-an-address, {invited}");
        await panel.GetByLabel("Permission").SelectOptionAsync("Viewer");
        await panel.GetByRole(AriaRole.Button, new() { Name = "Send invitations" }).ClickAsync();

        var result = panel.GetByRole(AriaRole.Status);
        await Expect(result).ToContainTextAsync("Invited 1:");
        await Expect(result).ToContainTextAsync(invited);
        await Expect(result).ToContainTextAsync("not-an-address");
        await Expect(panel.GetByLabel("Email addresses")).ToHaveValueAsync("not-an-address");
        await AccessibilityChecks.CheckAsync(page);

        // The invited person: the link from the email, sign-up with that address, the verification link, the workspace.
        var token = await app.TokenSentToAsync(invited);
        await using var inviteeContext = await browser.NewContextAsync(app.BaseAddress);
        var invitee = await inviteeContext.NewPageAsync();
        await invitee.GotoAsync($"/invite/email/{token}");
        await Expect(invitee.GetByRole(AriaRole.Heading, new() { Name = "Join Email Invite Co" })).ToBeVisibleAsync();
        await Expect(invitee.GetByText("as Viewer")).ToBeVisibleAsync();
        await invitee.GetByRole(AriaRole.Link, new() { Name = "Sign up", Exact = true }).ClickAsync();
        await Pages.SignUpAsync(invitee, "Ivy Invited", invited);
        await Pages.FinishSignUpAsync(app, invitee, invited);

        await Expect(invitee).ToHaveURLAsync(new Regex($"/w/{workspace.Id}$"));
        await Expect(invitee.GetByText("You joined Email Invite Co as Viewer")).ToBeVisibleAsync();
        var member = (await admin.Client.ListMembersAsync(workspace.Id)).Single(m => m.Email == invited);
        Assert.Equal(("Viewer", "email_invitation"), (member.Permission, member.Source));
    }

    [Fact]
    public async Task Another_signed_in_account_opening_the_link_is_told_it_is_for_another_address_and_can_switch()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await app.CreateWorkspaceOnPlanAsync(admin, TestPlans.Pro, "Wrong Account Co");
        var invited = TestUsers.NewEmail();
        await admin.Client.InviteByEmailAsync(workspace.Id, "Member", invited);
        var token = await app.TokenSentToAsync(invited);
        var other = await TestUsers.RegisterAsync(app);
        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await context.NewPageAsync();
        await Pages.SignInAsync(page, other);

        await page.GotoAsync($"/invite/email/{token}");

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "This invitation is for another email address" })).ToBeVisibleAsync();
        await Expect(page.GetByText(invited)).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Switch account" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Join Wrong Account Co" })).ToBeVisibleAsync();
        Assert.DoesNotContain(await admin.Client.ListMembersAsync(workspace.Id), m => m.UserId == other.Id);
    }

    [Fact]
    public async Task An_unverified_account_sends_the_verification_email_again_from_the_invitation_and_verifying_joins()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await app.CreateWorkspaceOnPlanAsync(admin, TestPlans.Pro, "Verify First Co");
        var invited = await TestUsers.RegisterAsync(app);
        await admin.Client.InviteByEmailAsync(workspace.Id, "Viewer", invited.Email);
        var token = await app.TokenSentToAsync(invited.Email);
        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await context.NewPageAsync();
        await Pages.SignInAsync(page, invited);

        await page.GotoAsync($"/invite/email/{token}");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Verify your email to join Verify First Co" })).ToBeVisibleAsync();
        await Pages.VerifyFromInvitationPageAsync(app, page, invited.Email);
        await Pages.WaitForUrlAsync(page, $"**/account/proven?returnUrl=%2Fw%2F{workspace.Id}");
        var member = (await admin.Client.ListMembersAsync(workspace.Id)).Single(m => m.UserId == invited.Id);
        Assert.Equal(("Viewer", "email_invitation"), (member.Permission, member.Source));
    }

    [Fact]
    public async Task On_a_plan_without_email_invitations_the_tab_shows_the_feature_locked_with_the_plan_that_has_it()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync("Free Tab Co");
        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await context.NewPageAsync();
        await Pages.SignInAsync(page, admin);
        await page.GotoAsync($"/w/{workspace.Id}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Invite", Exact = true }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Invite to Workspace" });

        await dialog.GetByRole(AriaRole.Tab, new() { Name = "Invite by email" }).ClickAsync();

        var panel = dialog.GetByRole(AriaRole.Tabpanel, new() { Name = "Invite by email" });
        await Expect(panel.GetByRole(AriaRole.Note)).ToContainTextAsync("Email invitations are part of the Pro plan");
        await Expect(panel.GetByRole(AriaRole.Button, new() { Name = "Send invitations" })).ToHaveCountAsync(0);
        await AccessibilityChecks.CheckAsync(page);
    }

    [Fact]
    public async Task Settings_lists_pending_invitations_with_their_delivery_and_Resend_and_Revoke_work()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await app.CreateWorkspaceOnPlanAsync(admin, TestPlans.Pro, "Pending Co");
        var invited = TestUsers.NewEmail();
        await admin.Client.InviteByEmailAsync(workspace.Id, "Member", invited);
        var firstToken = await app.TokenSentToAsync(invited);

        // The page shows the delivery as it stands when it loads: wait for the worker to have recorded it as sent.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while ((await admin.Client.ListEmailInvitationsAsync(workspace.Id)).Single().Delivery.Status != "sent" && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await context.NewPageAsync();
        await Pages.SignInAsync(page, admin);

        await page.GotoAsync($"/w/{workspace.Id}/settings/workspace");
        var table = page.GetByRole(AriaRole.Table, new() { Name = "Pending email invitations" });
        var row = table.GetByRole(AriaRole.Row).Filter(new() { HasText = invited });
        await Expect(row).ToContainTextAsync("Member");
        await Expect(row).ToContainTextAsync("Sent");
        await AccessibilityChecks.CheckAsync(page);

        await row.GetByRole(AriaRole.Button, new() { Name = "Resend" }).ClickAsync();
        await Expect(Pages.Notice(page)).ToContainTextAsync($"The invitation to {invited} was sent again");
        Assert.NotEqual(firstToken, await app.TokenSentToAsync(invited));

        await row.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Expect(Pages.Notice(page)).ToContainTextAsync("The invitation was revoked");
        await Expect(page.GetByText("No pending email invitations")).ToBeVisibleAsync();
    }
}
