using System.Net;
using System.Net.Http.Json;
using Roster.Features.Members;
using Roster.Features.Workspaces;
using Roster.Infrastructure.Web;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Api;

/// <summary>Changing permissions, removing and leaving, paging and search; the last-Admin rule.</summary>
public sealed class MemberAdministrationTests(RosterApp app)
{
    private static readonly CancellationToken Cancel = TestContext.Current.CancellationToken;

    [Fact]
    public async Task ChangePermission_ToViewer_TakesEffectOnTheMembersNextRequest()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var member = await TestUsers.JoinAsync(app, admin, workspace.Id, "Member");
        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Viewer");

        using var changed = await admin.Client.ChangePermissionAsync(workspace.Id, member.Id, "viewer");

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var body = await ApiClient.ReadAsync<MemberResponse>(changed);
        Assert.Equal(("Viewer", member.Id), (body.Permission, body.UserId));
        using var authorize = await member.Client.PostAsJsonAsync(
            $"/api/v1/workspaces/{workspace.Id}/authorize", new { userId = member.Id, menu = "ab-test", grant = "edit" }, Cancel);
        Assert.Contains("\"reason\":\"Viewer lacks edit on A/B Test\"", await authorize.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.Equal("Viewer", (await member.Client.GetMeAsync()).Workspaces.Single(w => w.Id == workspace.Id).Permission);
        Assert.Equal(link.Id, (await admin.Client.GetLinkAsync(workspace.Id, link.Id)).Id);
    }

    [Fact]
    public async Task ChangePermission_UnknownPermissionOrMember_AnswersClearly()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var member = await TestUsers.JoinAsync(app, admin, workspace.Id, "Member");
        var other = await TestUsers.RegisterAsync(app);
        var otherWorkspace = await other.Client.CreateWorkspaceAsync();

        using (var response = await admin.Client.ChangePermissionAsync(workspace.Id, member.Id, "Owner"))
        {
            await response.AssertValidationProblemAsync("permission");
        }

        // Another workspace's permission id is not one of this workspace's.
        using (var response = await admin.Client.ChangePermissionAsync(workspace.Id, member.Id, otherWorkspace.PermissionId.ToString()))
        {
            await response.AssertValidationProblemAsync("permission");
        }

        using (var response = await admin.Client.ChangePermissionAsync(workspace.Id, other.Id, "Viewer"))
        {
            await response.AssertProblemAsync(HttpStatusCode.NotFound, "member.not_found");
        }

        Assert.Equal("Member", (await admin.Client.ListMembersAsync(workspace.Id)).Single(m => m.UserId == member.Id).Permission);
    }

    [Fact]
    public async Task Remove_ByAdmin_EndsAccessAtOnce_AndCountsTheWorkspaceDown()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var member = await TestUsers.JoinAsync(app, admin, workspace.Id, "Member");
        Assert.Equal(2, (await ApiClient.GetAsync<WorkspaceResponse>(admin.Client, $"/api/v1/workspaces/{workspace.Id}")).MemberCount);

        using var removed = await admin.Client.RemoveMemberAsync(workspace.Id, member.Id);

        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        using var after = await member.Client.GetAsync(new Uri($"/api/v1/workspaces/{workspace.Id}/members", UriKind.Relative), Cancel);
        await after.AssertProblemAsync(HttpStatusCode.NotFound, "workspace.not_found");
        Assert.Equal(1, (await ApiClient.GetAsync<WorkspaceResponse>(admin.Client, $"/api/v1/workspaces/{workspace.Id}")).MemberCount);
        using var again = await admin.Client.RemoveMemberAsync(workspace.Id, member.Id);
        await again.AssertProblemAsync(HttpStatusCode.NotFound, "member.not_found");
    }

    [Fact]
    public async Task Remove_SomeoneElse_ByANonAdmin_IsForbidden_ButLeavingIsAllowed()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var member = await TestUsers.JoinAsync(app, admin, workspace.Id, "Member");
        var viewer = await TestUsers.JoinAsync(app, admin, workspace.Id, "Viewer");

        using (var refused = await member.Client.RemoveMemberAsync(workspace.Id, viewer.Id))
        {
            await refused.AssertProblemAsync(HttpStatusCode.Forbidden, "workspace.forbidden");
        }

        using (var left = await viewer.Client.RemoveMemberAsync(workspace.Id, viewer.Id))
        {
            Assert.Equal(HttpStatusCode.NoContent, left.StatusCode);
        }

        Assert.Equal([admin.Id, member.Id], (await admin.Client.ListMembersAsync(workspace.Id)).Select(m => m.UserId));
        Assert.DoesNotContain((await viewer.Client.GetMeAsync()).Workspaces, w => w.Id == workspace.Id);
    }

    [Fact]
    public async Task LastAdmin_CannotLeaveBeRemovedOrBeDemoted()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        await TestUsers.JoinAsync(app, admin, workspace.Id, "Member");

        using (var response = await admin.Client.RemoveMemberAsync(workspace.Id, admin.Id))
        {
            var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict, "member.last_admin");
            Assert.Contains("Make another member Admin first", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        }

        using (var response = await admin.Client.ChangePermissionAsync(workspace.Id, admin.Id, "Member"))
        {
            await response.AssertProblemAsync(HttpStatusCode.Conflict, "member.last_admin");
        }

        // Re-granting Admin to the last Admin changes nothing and is allowed.
        using (var response = await admin.Client.ChangePermissionAsync(workspace.Id, admin.Id, "Admin"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal("Admin", (await admin.Client.ListMembersAsync(workspace.Id)).Single(m => m.UserId == admin.Id).Permission);
    }

    [Fact]
    public async Task TwoAdmins_DemotingEachOtherAtOnce_TwentyTimes_AlwaysLeaveOneAdmin()
    {
        for (var round = 0; round < 20; round++)
        {
            var first = await TestUsers.RegisterAsync(app);
            var workspace = await first.Client.CreateWorkspaceAsync();
            var second = await TestUsers.JoinAsync(app, first, workspace.Id, "Admin");

            var statuses = await Task.WhenAll(
                DemoteAsync(first, workspace.Id, second.Id),
                DemoteAsync(second, workspace.Id, first.Id));

            var members = await ApiClient.GetAsync<Page<MemberResponse>>(await AnAdminAsync(first, second, workspace.Id), $"/api/v1/workspaces/{workspace.Id}/members");
            Assert.Equal(1, members.Items.Count(m => m.Permission == "Admin"));
            Assert.Contains(HttpStatusCode.OK, statuses);
            Assert.All(statuses, status => Assert.True(status is HttpStatusCode.OK or HttpStatusCode.Conflict or HttpStatusCode.Forbidden, $"Round {round}: {status}"));
        }
    }

    [Fact]
    public async Task TwoAdmins_RemovingEachOtherAtOnce_AlwaysLeaveOneAdmin()
    {
        for (var round = 0; round < 10; round++)
        {
            var first = await TestUsers.RegisterAsync(app);
            var workspace = await first.Client.CreateWorkspaceAsync();
            var second = await TestUsers.JoinAsync(app, first, workspace.Id, "Admin");

            await Task.WhenAll(first.Client.RemoveMemberAsync(workspace.Id, second.Id), second.Client.RemoveMemberAsync(workspace.Id, first.Id));

            var remaining = await ApiClient.GetAsync<Page<MemberResponse>>(await AnAdminAsync(first, second, workspace.Id), $"/api/v1/workspaces/{workspace.Id}/members");
            Assert.Equal(1, remaining.Total);
            Assert.Equal("Admin", Assert.Single(remaining.Items).Permission);
        }
    }

    [Fact]
    public async Task List_PagesOfTheGivenSize_InJoinOrder_WithSearch()
    {
        // Six members: more than the default Free plan allows, and this test is not about plans.
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await app.CreateWorkspaceOnPlanAsync(admin, TestPlans.Enterprise);
        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Viewer");
        var joined = new List<TestUser>();
        for (var i = 0; i < 5; i++)
        {
            var user = await TestUsers.RegisterAsync(app, i % 2 == 0 ? TestUsers.NewEmail("findme.example") : null);
            using var accepted = await user.Client.AcceptAsync(ApiClient.TokenOf(link));
            await accepted.EnsureSuccessAsync();
            joined.Add(user);
        }

        var seen = new List<Guid>();
        string? after = null;
        var pages = 0;
        do
        {
            var page = await ApiClient.GetAsync<Page<MemberResponse>>(
                admin.Client, $"/api/v1/workspaces/{workspace.Id}/members?limit=2{(after is null ? "" : $"&after={after}")}");
            Assert.Equal(6, page.Total);
            Assert.True(page.Items.Count <= 2);
            seen.AddRange(page.Items.Select(m => m.UserId));
            after = page.Next;
            pages++;
        }
        while (after is not null);

        Assert.Equal(3, pages);
        Assert.Equal([admin.Id, .. joined.Select(u => u.Id)], seen);

        var found = await ApiClient.GetAsync<Page<MemberResponse>>(admin.Client, $"/api/v1/workspaces/{workspace.Id}/members?q=FINDME.example");
        Assert.Equal(3, found.Total);
        Assert.Equal(joined.Where((_, i) => i % 2 == 0).Select(u => u.Id), found.Items.Select(m => m.UserId));
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=201", "limit")]
    [InlineData("after=not-a-cursor", "after")]
    [InlineData("after=AAAA", "after")]
    public async Task List_BadPaging_AnswersAFieldError(string query, string field)
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();

        using var response = await admin.Client.GetAsync(new Uri($"/api/v1/workspaces/{workspace.Id}/members?{query}", UriKind.Relative), Cancel);

        await response.AssertValidationProblemAsync(field);
    }

    private static async Task<HttpStatusCode> DemoteAsync(TestUser actor, Guid workspaceId, Guid targetId)
    {
        using var response = await actor.Client.ChangePermissionAsync(workspaceId, targetId, "Member");
        return response.StatusCode;
    }

    /// <summary>Whichever of the two is still an Admin.</summary>
    private static async Task<HttpClient> AnAdminAsync(TestUser first, TestUser second, Guid workspaceId)
    {
        using var response = await first.Client.GetAsync(new Uri($"/api/v1/workspaces/{workspaceId}/invitation-links", UriKind.Relative), Cancel);
        return response.IsSuccessStatusCode ? first.Client : second.Client;
    }
}
