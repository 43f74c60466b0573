using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Roster.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Roster.Tests.Browser;

/// <summary>The seed's three steps, as two people do them in Chromium.</summary>
public sealed class InvitationJourneyTests(RosterApp app, BrowserFixture browser)
{
    [Fact]
    public async Task Admin_invites_a_Viewer_who_signs_up_from_the_link_and_lands_in_the_workspace()
    {
        var adminEmail = TestUsers.NewEmail();
        var teammateEmail = TestUsers.NewEmail();
        await using var adminContext = await browser.NewContextAsync(app.BaseAddress);
        await using var teammateContext = await browser.NewContextAsync(app.BaseAddress);
        var admin = await adminContext.NewPageAsync();
        var teammate = await teammateContext.NewPageAsync();

        // First sign-in creates the workspace; its only member, the Admin, sees Invite top right.
        var workspaceId = await Pages.SignUpWithNewWorkspaceAsync(app, admin, "Ada Admin", adminEmail);
        await Expect(admin.GetByRole(AriaRole.Heading, new() { Name = "Ada Admin's Workspace" })).ToBeVisibleAsync();
        await Expect(admin.GetByRole(AriaRole.Link, new() { Name = "Settings" })).ToHaveCountAsync(0);

        // Steps 1 and 2: Invite, pick Viewer, Copy Invitation Link.
        await admin.GetByRole(AriaRole.Button, new() { Name = "Invite", Exact = true }).ClickAsync();
        var link = await Pages.CopyInvitationLinkAsync(admin, "Viewer");
        var status = admin.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Status);
        await Expect(status).ToContainTextAsync("copied to the clipboard");
        await Expect(status).ToContainTextAsync("expires on");
        Assert.Equal(link, await admin.EvaluateAsync<string>("() => navigator.clipboard.readText()"));

        // Step 3: the teammate opens the link, sees what it grants, signs up from it and is in.
        await teammate.GotoAsync(link);
        await Expect(teammate.GetByRole(AriaRole.Heading, new() { Name = "Join Ada Admin's Workspace" })).ToBeVisibleAsync();
        await Expect(teammate.GetByText("as Viewer")).ToBeVisibleAsync();
        await teammate.GetByRole(AriaRole.Link, new() { Name = "Sign up" }).ClickAsync();
        await Pages.SignUpAsync(teammate, "Tom Teammate", teammateEmail);
        await Pages.FinishSignUpAsync(app, teammate, teammateEmail);
        await Pages.WaitForUrlAsync(teammate, $"**/w/{workspaceId}");
        await Expect(Pages.Notice(teammate)).ToHaveTextAsync("You joined Ada Admin's Workspace as Viewer");
        await Expect(teammate.GetByRole(AriaRole.Button, new() { Name = "Invite", Exact = true })).ToHaveCountAsync(0);

        // The workspace has two members now: the Admin sees Settings, the link with who joined through it, and
        // (in Settings > Members) the teammate listed as Viewer.
        await admin.ReloadAsync();
        await Expect(admin.GetByRole(AriaRole.Button, new() { Name = "Invite", Exact = true })).ToHaveCountAsync(0);
        await admin.GetByRole(AriaRole.Link, new() { Name = "Settings", Exact = true }).ClickAsync();
        var linkRow = admin.GetByRole(AriaRole.Table, new() { Name = "Invitation links" }).GetByRole(AriaRole.Row).Filter(new() { HasText = "Viewer" });
        await Expect(linkRow).ToContainTextAsync("1, no limit");
        await Expect(linkRow).ToContainTextAsync("Tom Teammate");
        await Pages.SettingsSection(admin, "Members").ClickAsync();
        var row = admin.GetByRole(AriaRole.Row).Filter(new() { HasText = teammateEmail });
        await Expect(row).ToContainTextAsync("Tom Teammate");
        await Expect(row.GetByRole(AriaRole.Combobox, new() { Name = "Permission of Tom Teammate" }).Locator("option:checked")).ToHaveTextAsync("Viewer");
    }

    [Fact]
    public async Task A_signed_in_person_joins_with_the_Join_button()
    {
        await using var adminContext = await browser.NewContextAsync(app.BaseAddress);
        await using var guestContext = await browser.NewContextAsync(app.BaseAddress);
        var admin = await adminContext.NewPageAsync();
        var guest = await guestContext.NewPageAsync();
        var workspaceId = await Pages.SignUpWithNewWorkspaceAsync(app, admin, "Bea Boss", TestUsers.NewEmail());
        await admin.GetByRole(AriaRole.Button, new() { Name = "Invite", Exact = true }).ClickAsync();
        var link = await Pages.CopyInvitationLinkAsync(admin, "Member");

        var guestEmail = TestUsers.NewEmail();
        await Pages.SignUpWithNewWorkspaceAsync(app, guest, "Gus Guest", guestEmail);
        await guest.GotoAsync(link);
        await Expect(guest.GetByText($"Signed in as {guestEmail} - not you?")).ToBeVisibleAsync();
        await Expect(guest.GetByRole(AriaRole.Button, new() { Name = "Switch account" })).ToBeVisibleAsync();
        await guest.GetByRole(AriaRole.Button, new() { Name = "Join Bea Boss's Workspace" }).ClickAsync();

        await Pages.WaitForUrlAsync(guest, $"**/w/{workspaceId}");
        await Expect(Pages.Notice(guest)).ToHaveTextAsync("You joined Bea Boss's Workspace as Member");

        // Opening the link again changes nothing and says so.
        await guest.GotoAsync(link);
        await Expect(guest.GetByRole(AriaRole.Heading, new() { Name = "You are already a member of Bea Boss's Workspace" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Admin_revokes_a_link_in_Settings_and_the_link_page_says_so()
    {
        await using var adminContext = await browser.NewContextAsync(app.BaseAddress);
        await using var guestContext = await browser.NewContextAsync(app.BaseAddress);
        var admin = await adminContext.NewPageAsync();
        var guest = await guestContext.NewPageAsync();
        var workspaceId = await Pages.SignUpWithNewWorkspaceAsync(app, admin, "Rita Revoker", TestUsers.NewEmail());
        await admin.GotoAsync($"/w/{workspaceId}/settings/workspace");
        await admin.GetByRole(AriaRole.Main).GetByRole(AriaRole.Button, new() { Name = "Invite", Exact = true }).ClickAsync();
        await Pages.CopyInvitationLinkAsync(admin, "Member");
        var link = await admin.GetByRole(AriaRole.Textbox, new() { Name = "Invitation link" }).InputValueAsync();
        await admin.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();

        var row = admin.GetByRole(AriaRole.Row).Filter(new() { HasText = "Member" }).Filter(new() { HasText = "active" });
        await Expect(row).ToContainTextAsync("0, no limit");
        var revoke = row.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Revoke") });
        var fingerprint = (await revoke.GetAttributeAsync("aria-label"))!["Revoke link ".Length..];
        await Pages.ConfirmAsync(admin, revoke, $"Revoke link {fingerprint}?", "Revoke link");
        await Expect(Pages.Notice(admin)).ToContainTextAsync("was revoked");
        await admin.GetByText("Past links (1)").ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Table, new() { Name = "Past invitation links" }).GetByRole(AriaRole.Row).Filter(new() { HasText = "Revoked on" })).ToHaveCountAsync(1);

        var response = await guest.GotoAsync(link);
        Assert.Equal(410, response!.Status);
        await Expect(guest.GetByRole(AriaRole.Heading, new() { Name = "This invitation link was revoked" })).ToBeVisibleAsync();
    }
}
