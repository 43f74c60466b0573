using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Roster.Features.Audit;
using Roster.Features.Workspaces;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Api;

/// <summary>Renaming and deleting a workspace (PATCH and DELETE <c>/api/v1/workspaces/{id}</c>), each with its audit entry.</summary>
public sealed class WorkspaceLifecycleTests(RosterApp app)
{
    [Fact]
    public async Task Rename_AsAdmin_ChangesTheNameForEveryMemberAndRecordsOldAndNew()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync("Growth");
        var viewer = await TestUsers.JoinAsync(app, admin, workspace.Id, "Viewer");

        using var response = await admin.Client.PatchAsJsonAsync($"/api/v1/workspaces/{workspace.Id}", new { name = "  Growth & Pricing  " }, TestContext.Current.CancellationToken);

        await response.EnsureSuccessAsync();
        Assert.Equal("Growth & Pricing", (await ApiClient.ReadAsync<WorkspaceResponse>(response)).Name);
        Assert.Equal("Growth & Pricing", (await ApiClient.GetAsync<WorkspaceResponse>(viewer.Client, $"/api/v1/workspaces/{workspace.Id}")).Name);
        var entry = Assert.Single(await EntriesAsync(workspace.Id, AuditActions.WorkspaceRenamed));
        Assert.Equal(admin.Id, entry.ActorUserId);
        Assert.Equal("Growth → Growth & Pricing", entry.Details);
        Assert.Equal(workspace.Id.ToString(), entry.TargetId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("Growth\r\nforged line")]
    [InlineData("Bell\u0007")]
    public async Task Rename_ToAnEmptyOrControlCharacterName_AnswersValidationProblemAndChangesNothing(string name)
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync("Kept");

        using var response = await admin.Client.PatchAsJsonAsync($"/api/v1/workspaces/{workspace.Id}", new { name }, TestContext.Current.CancellationToken);

        await response.AssertValidationProblemAsync("name");
        Assert.Equal("Kept", (await ApiClient.GetAsync<WorkspaceResponse>(admin.Client, $"/api/v1/workspaces/{workspace.Id}")).Name);
        Assert.Empty(await EntriesAsync(workspace.Id, AuditActions.WorkspaceRenamed));
    }

    [Fact]
    public async Task Rename_TooLong_AnswersValidationProblem()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();

        using var response = await admin.Client.PatchAsJsonAsync(
            $"/api/v1/workspaces/{workspace.Id}", new { name = new string('n', Workspace.NameMaxLength + 1) }, TestContext.Current.CancellationToken);

        await response.AssertValidationProblemAsync("name");
    }

    [Fact]
    public async Task Rename_ToTheSameName_RecordsNothing()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync("Same");

        using var response = await admin.Client.PatchAsJsonAsync($"/api/v1/workspaces/{workspace.Id}", new { name = "Same" }, TestContext.Current.CancellationToken);

        await response.EnsureSuccessAsync();
        Assert.Empty(await EntriesAsync(workspace.Id, AuditActions.WorkspaceRenamed));
    }

    [Fact]
    public async Task Delete_AsAdmin_RemovesEverythingInItAndKeepsItsAuditLog()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync("Doomed");
        var viewer = await TestUsers.JoinAsync(app, admin, workspace.Id, "Viewer");
        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Member");

        using var response = await admin.Client.DeleteAsync(new Uri($"/api/v1/workspaces/{workspace.Id}", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        foreach (var member in new[] { admin, viewer })
        {
            using var read = await member.Client.GetAsync(new Uri($"/api/v1/workspaces/{workspace.Id}", UriKind.Relative), TestContext.Current.CancellationToken);
            await read.AssertProblemAsync(HttpStatusCode.NotFound, "workspace.not_found");
        }

        using var preview = await viewer.Client.PreviewAsync(ApiClient.TokenOf(link));
        Assert.Equal(HttpStatusCode.NotFound, preview.StatusCode);
        var left = await app.QueryAsync(async db => new[]
        {
            await db.Memberships.CountAsync(m => m.WorkspaceId == workspace.Id, TestContext.Current.CancellationToken),
            await db.Permissions.CountAsync(p => p.WorkspaceId == workspace.Id, TestContext.Current.CancellationToken),
            await db.InvitationLinks.CountAsync(l => l.WorkspaceId == workspace.Id, TestContext.Current.CancellationToken),
            await db.Workspaces.CountAsync(w => w.Id == workspace.Id, TestContext.Current.CancellationToken),
        });
        Assert.All(left, count => Assert.Equal(0, count));
        var entry = Assert.Single(await EntriesAsync(workspace.Id, AuditActions.WorkspaceDeleted));
        Assert.Equal("Doomed", entry.TargetLabel);
        Assert.Equal(admin.Id, entry.ActorUserId);

        // The viewer, now without a workspace, is offered to create one on their next visit.
        Assert.Empty((await viewer.Client.GetMeAsync()).Workspaces);
    }

    private Task<List<AuditEntry>> EntriesAsync(Guid workspaceId, string action) =>
        app.QueryAsync(db => db.AuditEntries.AsNoTracking()
            .Where(e => e.WorkspaceId == workspaceId && e.Action == action)
            .ToListAsync(TestContext.Current.CancellationToken));
}
