using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Api;

public sealed class MembersApiTests(RosterApp app)
{
    [Fact]
    public async Task List_PagesWithTheNextCursor_UntilTheLastPage()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Viewer");
        for (var i = 0; i < 2; i++)
        {
            var joiner = await TestUsers.RegisterAsync(app);
            using var accepted = await joiner.Client.AcceptAsync(ApiClient.TokenOf(link));
            await accepted.EnsureSuccessAsync();
        }

        var seen = new List<Guid>();
        string? next = null;
        do
        {
            var page = await ApiClient.GetAsync<Roster.Infrastructure.Web.Page<Roster.Features.Members.MemberResponse>>(
                admin.Client, $"/api/v1/workspaces/{workspace.Id}/members?limit=2{(next is null ? "" : $"&after={next}")}");
            Assert.Equal(3, page.Total);
            seen.AddRange(page.Items.Select(member => member.UserId));
            next = page.Next;
        }
        while (next is not null);

        Assert.Equal(3, seen.Count);
        Assert.Equal(3, seen.Distinct().Count());
        Assert.Equal(admin.Id, seen[0]);
    }

    [Fact]
    public async Task List_AnswersEveryMemberWithTheLinkTheyJoinedThrough()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Member");
        var joiner = await TestUsers.RegisterAsync(app);
        var beforeJoin = DateTimeOffset.UtcNow;
        using var accepted = await joiner.Client.AcceptAsync(ApiClient.TokenOf(link));
        await accepted.EnsureSuccessAsync();

        using var response = await admin.Client.GetAsync(new Uri($"/api/v1/workspaces/{workspace.Id}/members", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(["items", "next", "total"], page.EnumerateObject().Select(property => property.Name).Order(StringComparer.Ordinal));
        Assert.Equal(2, page.GetProperty("total").GetInt32());
        Assert.Equal(JsonValueKind.Null, page.GetProperty("next").ValueKind);
        var members = page.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, members.Count);
        Assert.All(members, member => Assert.Equal(
            ["email", "invitationLinkFingerprint", "invitationLinkId", "joinedAt", "name", "permission", "permissionId", "source", "userId"],
            member.EnumerateObject().Select(property => property.Name).Order(StringComparer.Ordinal)));

        var first = members[0];
        Assert.Equal(admin.Id, first.GetProperty("userId").GetGuid());
        Assert.Equal(admin.Email, first.GetProperty("email").GetString());
        Assert.Equal(admin.Email, first.GetProperty("name").GetString());
        Assert.Equal("Admin", first.GetProperty("permission").GetString());
        Times.AssertSameInstant(workspace.CreatedAt, first.GetProperty("joinedAt").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("invitationLinkId").ValueKind);
        Assert.Equal(JsonValueKind.Null, first.GetProperty("invitationLinkFingerprint").ValueKind);

        var second = members[1];
        Assert.Equal(joiner.Id, second.GetProperty("userId").GetGuid());
        Assert.Equal(joiner.Email, second.GetProperty("email").GetString());
        Assert.Equal("Member", second.GetProperty("permission").GetString());
        Assert.InRange(second.GetProperty("joinedAt").GetDateTimeOffset(), beforeJoin.AddSeconds(-5), DateTimeOffset.UtcNow.AddSeconds(5));
        Assert.Equal(link.Id, second.GetProperty("invitationLinkId").GetGuid());
        var listedLink = await admin.Client.GetLinkAsync(workspace.Id, link.Id);
        Assert.Equal(listedLink.Fingerprint, second.GetProperty("invitationLinkFingerprint").GetString());
    }

    [Fact]
    public async Task List_Viewer_SeesTheSameMembers()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var viewer = await TestUsers.JoinAsync(app, admin, workspace.Id, "Viewer");

        var members = await viewer.Client.ListMembersAsync(workspace.Id);

        Assert.Equal([(admin.Id, "Admin"), (viewer.Id, "Viewer")], members.Select(member => (member.UserId, member.Permission)));
    }

    [Fact]
    public async Task List_NonMember_AnswersNotFound()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var stranger = await TestUsers.RegisterAsync(app);

        using var response = await stranger.Client.GetAsync(new Uri($"/api/v1/workspaces/{workspace.Id}/members", UriKind.Relative), TestContext.Current.CancellationToken);

        var problem = await response.AssertProblemAsync(HttpStatusCode.NotFound, "workspace.not_found");
        Assert.DoesNotContain(admin.Email, problem.ToString(), StringComparison.Ordinal);
    }
}
