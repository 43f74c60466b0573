using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Roster.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Roster.Tests.Browser;

/// <summary>Settings > Permission Management in Chromium: custom permissions made, granted, renamed and deleted.</summary>
public sealed class PermissionManagementTests(RosterApp app, BrowserFixture browser)
{
    [Fact]
    public async Task Admin_creates_a_custom_permission_invites_with_it_and_the_invitee_gets_exactly_its_grants()
    {
        await using var adminContext = await browser.NewContextAsync(app.BaseAddress);
        await using var inviteeContext = await browser.NewContextAsync(app.BaseAddress);
        var admin = await adminContext.NewPageAsync();
        var invitee = await inviteeContext.NewPageAsync();
        var workspaceId = await Pages.SignUpWithNewWorkspaceAsync(app, admin, "Petra Planner", TestUsers.NewEmail());
        await app.SetPlanAsync(workspaceId, TestPlans.Enterprise);

        // Alone in the workspace, the Admin sees Invite top right; Settings is in the account menu.
        await Pages.OpenSettingsFromAccountMenuAsync(admin);
        await Pages.SettingsSection(admin, "Permission Management").ClickAsync();
        await admin.GetByRole(AriaRole.Link, new() { Name = "+ Create Permission" }).ClickAsync();
        await Pages.WaitForUrlAsync(admin, $"**/w/{workspaceId}/settings/permissions/new");

        // All Edit ticks the Edit column and, since edit implies read-only, the Read-only column too.
        await admin.GetByLabel("Name", new() { Exact = true }).FillAsync("Experimenter");
        await admin.GetByLabel("All Edit Permissions").CheckAsync();
        await Expect(admin.GetByLabel("Edit on CRM", new() { Exact = true })).ToBeCheckedAsync();
        await Expect(admin.GetByLabel("Read-only on CRM", new() { Exact = true })).ToBeCheckedAsync();
        await Expect(admin.GetByLabel("All Read-only Permissions")).ToBeCheckedAsync();
        await Expect(admin.GetByLabel("Data download on CRM", new() { Exact = true })).Not.ToBeCheckedAsync();

        // Analytics keeps read-only only; the column toggle follows.
        await admin.GetByLabel("Edit on Analytics", new() { Exact = true }).UncheckAsync();
        await Expect(admin.GetByLabel("Read-only on Analytics", new() { Exact = true })).ToBeCheckedAsync();
        await Expect(admin.GetByLabel("All Edit Permissions")).Not.ToBeCheckedAsync();
        await admin.GetByRole(AriaRole.Button, new() { Name = "Create Permission", Exact = true }).ClickAsync();

        await Pages.WaitForUrlAsync(admin, $"**/w/{workspaceId}/settings/permissions");
        await Expect(Pages.Notice(admin)).ToContainTextAsync("Experimenter was created");
        var row = Pages.Row(admin, "Experimenter");
        await Expect(row).ToContainTextAsync("Custom");
        await Expect(row).ToContainTextAsync("A/B Test: Edit, Read-only");
        await Expect(row).ToContainTextAsync("Analytics: Read-only");

        // The popup offers the custom permission, and links to Permission Management.
        await admin.GotoAsync($"/w/{workspaceId}");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Invite", Exact = true }).ClickAsync();
        var dialog = admin.GetByRole(AriaRole.Dialog, new() { Name = "Invite to Workspace" });
        await Expect(dialog.GetByRole(AriaRole.Link, new() { Name = "Manage permissions" }))
            .ToHaveAttributeAsync("href", $"/w/{workspaceId}/settings/permissions");
        var link = await Pages.CopyInvitationLinkAsync(admin, "Experimenter");

        await invitee.GotoAsync(link);
        await Expect(invitee.GetByText("as Experimenter")).ToBeVisibleAsync();
        await invitee.GetByRole(AriaRole.Link, new() { Name = "Sign up" }).ClickAsync();
        var inviteeEmail = TestUsers.NewEmail();
        await Pages.SignUpAsync(invitee, "Ivan Invitee", inviteeEmail);
        await Pages.FinishSignUpAsync(app, invitee, inviteeEmail);
        await Pages.WaitForUrlAsync(invitee, $"**/w/{workspaceId}");
        await Expect(Pages.Notice(invitee)).ToHaveTextAsync("You joined Petra Planner's Workspace as Experimenter");

        foreach (var menu in new[] { "A/B Test", "Feature Flag", "Remote Config", "Data Management", "CRM" })
        {
            await Expect(Pages.GrantsOn(invitee, menu)).ToHaveTextAsync([Pages.FullAccess]);
        }

        await Expect(Pages.GrantsOn(invitee, "Analytics")).ToHaveTextAsync(["Read only"]);
        await Expect(invitee.GetByRole(AriaRole.Listitem).Filter(new() { HasTextRegex = new Regex("raw data|data-collection status") })).ToHaveCountAsync(0);

        // Not an Admin: no administration in the Settings navigation.
        await invitee.GetByRole(AriaRole.Link, new() { Name = "Settings", Exact = true }).ClickAsync();
        await Expect(Pages.SettingsSection(invitee, "Members")).ToBeVisibleAsync();
        await Expect(Pages.SettingsSection(invitee, "Permission Management")).ToHaveCountAsync(0);
        await Expect(Pages.SettingsSection(invitee, "API keys")).ToHaveCountAsync(0);
        var forbidden = await invitee.GotoAsync($"/w/{workspaceId}/settings/permissions");
        Assert.Equal(403, forbidden!.Status);
    }

    [Fact]
    public async Task A_taken_name_is_a_field_error_and_a_rename_keeps_the_members()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await app.CreateWorkspaceOnPlanAsync(admin, TestPlans.Enterprise);
        await admin.Client.CreatePermissionAsync(workspace.Id, "Analyst", new Dictionary<string, IReadOnlyList<string>> { ["analytics"] = ["read-only"] });
        var analyst = await TestUsers.JoinAsync(app, admin, workspace.Id, "Analyst");
        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await context.NewPageAsync();
        await Pages.SignInAsync(page, admin);

        // A built-in's name (in any letter case) is taken: the error sits beside the field.
        await page.GotoAsync($"/w/{workspace.Id}/settings/permissions/new");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("viewer");
        await page.GetByLabel("Read-only on CRM", new() { Exact = true }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create Permission", Exact = true }).ClickAsync();
        var name = page.GetByLabel("Name", new() { Exact = true });
        await Expect(name).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(name).ToHaveAccessibleDescriptionAsync("Another permission in this workspace has that name.");
        await Expect(page.GetByLabel("Read-only on CRM", new() { Exact = true })).ToBeCheckedAsync();

        // An empty name too.
        await name.FillAsync("  ");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create Permission", Exact = true }).ClickAsync();
        await Expect(page.GetByLabel("Name", new() { Exact = true })).ToHaveAccessibleDescriptionAsync(new Regex("Give the permission a name"));

        // Renaming changes no membership: the analyst holds the renamed permission.
        await page.GotoAsync($"/w/{workspace.Id}/settings/permissions");
        await Pages.Row(page, "Analyst").GetByRole(AriaRole.Link, new() { Name = "Edit Analyst" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Edit Analyst" })).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Read-only on Analytics", new() { Exact = true })).ToBeCheckedAsync();
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Data Analyst");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Expect(Pages.Notice(page)).ToContainTextAsync("Changes to Data Analyst were saved");
        await Expect(Pages.Row(page, "Data Analyst").GetByRole(AriaRole.Cell).Nth(2)).ToHaveTextAsync("1");
        var member = (await admin.Client.ListMembersAsync(workspace.Id)).Single(m => m.UserId == analyst.Id);
        Assert.Equal("Data Analyst", member.Permission);

        // Built-ins are fixed: no Edit or Delete.
        await Expect(Pages.Row(page, "Viewer").GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        await Expect(Pages.Row(page, "Viewer").GetByRole(AriaRole.Link)).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Deleting_a_permission_in_use_says_to_move_its_members_and_an_unused_one_is_deleted()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await app.CreateWorkspaceOnPlanAsync(admin, TestPlans.Enterprise);
        await admin.Client.CreatePermissionAsync(workspace.Id, "Flagger", new Dictionary<string, IReadOnlyList<string>> { ["feature-flag"] = ["edit"] });
        await admin.Client.CreatePermissionAsync(workspace.Id, "Unused", new Dictionary<string, IReadOnlyList<string>> { ["crm"] = ["data-read"] });
        await TestUsers.JoinAsync(app, admin, workspace.Id, "Flagger");
        var unusedLink = await admin.Client.CreateLinkAsync(workspace.Id, "Unused");
        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await context.NewPageAsync();
        await Pages.SignInAsync(page, admin);
        await page.GotoAsync($"/w/{workspace.Id}/settings/permissions");

        var flagger = Pages.Row(page, "Flagger");
        await Expect(flagger).ToContainTextAsync("Feature Flag: Edit, Read-only");
        await Pages.ConfirmAsync(page, flagger.GetByRole(AriaRole.Button, new() { Name = "Delete Flagger" }), "Delete Flagger?", "Delete Flagger");
        await Expect(Pages.PageError(page)).ToHaveTextAsync("Members hold this permission. Move them to another permission before deleting it.");
        await Expect(Pages.Row(page, "Flagger")).ToHaveCountAsync(1);

        await Pages.ConfirmAsync(page, Pages.Row(page, "Unused").GetByRole(AriaRole.Button, new() { Name = "Delete Unused" }), "Delete Unused?", "Delete Unused");
        await Expect(Pages.Notice(page)).ToHaveTextAsync("The permission Unused was deleted.");
        await Expect(Pages.Row(page, "Unused")).ToHaveCountAsync(0);

        // The link that granted it refuses everyone now, and Settings > Workspace says why.
        await Pages.SettingsSection(page, "Workspace").ClickAsync();
        var linkRow = page.GetByRole(AriaRole.Table, new() { Name = "Invitation links" }).GetByRole(AriaRole.Row)
            .Filter(new() { HasText = (await admin.Client.GetLinkAsync(workspace.Id, unusedLink.Id)).Fingerprint });
        await Expect(linkRow).ToContainTextAsync("inactive");
        await Expect(linkRow).ToContainTextAsync("The permission it grants was deleted.");
        await Expect(linkRow).ToContainTextAsync("(deleted permission)");
    }
}
