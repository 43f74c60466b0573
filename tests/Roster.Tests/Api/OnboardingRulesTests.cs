using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Roster.Features.Accounts;
using Roster.Features.Audit;
using Roster.Features.Workspaces;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Api;

/// <summary>
/// The server's rules behind the dashboard's "Get started" card and the email reminder: dismissing is per person (and,
/// for the card, per workspace), saving the card's name goes through the audited rename with its validation, and
/// keeping the suggested name counts as choosing it.
/// </summary>
public sealed class OnboardingRulesTests(RosterApp app)
{
    [Fact]
    public async Task Dismissing_the_card_changes_only_that_person_in_that_workspace()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var first = await admin.Client.CreateWorkspaceAsync("First");
        var second = await admin.Client.CreateWorkspaceAsync("Second");
        var teammate = await TestUsers.JoinAsync(app, admin, first.Id, "Member");
        var session = await CookieSession.SignInAsync(app, admin);

        using var response = await PostAsync(session, first.Id, "Dismiss");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/w/{first.Id}", response.Headers.Location!.OriginalString);
        Assert.True(await DismissedAsync(first.Id, admin.Id));
        Assert.False(await DismissedAsync(second.Id, admin.Id));
        Assert.False(await DismissedAsync(first.Id, teammate.Id));
    }

    [Fact]
    public async Task Dismissing_the_email_reminder_changes_only_that_person()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var teammate = await TestUsers.JoinAsync(app, admin, workspace.Id, "Viewer");
        var session = await CookieSession.SignInAsync(app, teammate);

        using var response = await PostAsync(session, workspace.Id, "DismissEmailReminder");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.True(await ReminderDismissedAsync(teammate.Id));
        Assert.False(await ReminderDismissedAsync(admin.Id));

        // Reading the dashboard changes nothing: a GET never dismisses.
        var other = await TestUsers.RegisterAsync(app);
        var otherWorkspace = await other.Client.CreateWorkspaceAsync();
        var otherSession = await CookieSession.SignInAsync(app, other);
        using var get = await otherSession.GetAsync(new Uri($"/w/{otherWorkspace.Id}/onboarding?handler=DismissEmailReminder", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.True((int)get.StatusCode >= 400, $"GET answered {(int)get.StatusCode}");
        Assert.False(await ReminderDismissedAsync(other.Id));
    }

    [Fact]
    public async Task A_workspace_made_at_first_sign_in_has_no_chosen_name_until_the_Admin_keeps_it_which_records_no_rename()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var session = await CookieSession.SignInAsync(app, admin);

        // The seed's first sign-in makes the workspace with the suggested name (as the sign-in pages do).
        Guid workspaceId;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var user = await scope.ServiceProvider.GetRequiredService<UserManager<User>>().FindByIdAsync(admin.Id.ToString());
            workspaceId = await scope.ServiceProvider.GetRequiredService<WorkspaceService>().EnsureWorkspaceAsync(user!, TestContext.Current.CancellationToken);
        }

        var workspace = await app.QueryAsync(db => db.Workspaces.SingleAsync(w => w.Id == workspaceId, TestContext.Current.CancellationToken));
        Assert.Null(workspace.NameChosenAt);

        using var kept = await PostAsync(session, workspace.Id, "Name", workspace.Name);

        Assert.Equal(HttpStatusCode.Redirect, kept.StatusCode);
        Assert.NotNull(await NameChosenAtAsync(workspace.Id));
        Assert.Empty(await RenamesAsync(workspace.Id));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("Tab\tseparated")]
    public async Task Saving_a_name_the_rename_refuses_changes_nothing(string name)
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync("Kept");
        var session = await CookieSession.SignInAsync(app, admin);

        using var response = await PostAsync(session, workspace.Id, "Name", name);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("Kept", await app.QueryAsync(db => db.Workspaces.Where(w => w.Id == workspace.Id).Select(w => w.Name).SingleAsync(TestContext.Current.CancellationToken)));
        Assert.Empty(await RenamesAsync(workspace.Id));
    }

    [Fact]
    public async Task Saving_a_new_name_on_the_card_is_the_audited_rename()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync("Before");
        var session = await CookieSession.SignInAsync(app, admin);

        using var response = await PostAsync(session, workspace.Id, "Name", new string('n', Workspace.NameMaxLength + 1));
        Assert.Equal("Before", await app.QueryAsync(db => db.Workspaces.Where(w => w.Id == workspace.Id).Select(w => w.Name).SingleAsync(TestContext.Current.CancellationToken)));

        using var renamed = await PostAsync(session, workspace.Id, "Name", "  After  ");

        var entry = Assert.Single(await RenamesAsync(workspace.Id));
        Assert.Equal("Before → After", entry.Details);
        Assert.Equal(admin.Id, entry.ActorUserId);
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient session, Guid workspaceId, string handler, string? name = null)
    {
        var dashboard = await session.GetStringAsync(new Uri($"/w/{workspaceId}/settings/workspace", UriKind.Relative), TestContext.Current.CancellationToken);
        var fields = new Dictionary<string, string> { ["__RequestVerificationToken"] = TestUsers.HiddenFields(dashboard)["__RequestVerificationToken"] };
        if (name is not null)
        {
            fields["Name"] = name;
        }

        using var form = new FormUrlEncodedContent(fields);
        return await session.PostAsync(new Uri($"/w/{workspaceId}/onboarding?handler={handler}", UriKind.Relative), form, TestContext.Current.CancellationToken);
    }

    private Task<bool> DismissedAsync(Guid workspaceId, Guid userId) =>
        app.QueryAsync(db => db.Memberships.AnyAsync(m => m.WorkspaceId == workspaceId && m.UserId == userId && m.OnboardingDismissedAt != null, TestContext.Current.CancellationToken));

    private Task<bool> ReminderDismissedAsync(Guid userId) =>
        app.QueryAsync(db => db.Users.AnyAsync(u => u.Id == userId && u.EmailReminderDismissedAt != null, TestContext.Current.CancellationToken));

    private Task<DateTimeOffset?> NameChosenAtAsync(Guid workspaceId) =>
        app.QueryAsync(db => db.Workspaces.Where(w => w.Id == workspaceId).Select(w => w.NameChosenAt).SingleAsync(TestContext.Current.CancellationToken));

    private Task<List<AuditEntry>> RenamesAsync(Guid workspaceId) =>
        app.QueryAsync(db => db.AuditEntries.Where(e => e.WorkspaceId == workspaceId && e.Action == AuditActions.WorkspaceRenamed).ToListAsync(TestContext.Current.CancellationToken));
}
