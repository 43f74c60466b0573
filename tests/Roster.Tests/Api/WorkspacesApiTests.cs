using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Roster.Features.Workspaces;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Api;

public sealed class WorkspacesApiTests(RosterApp app)
{
    [Fact]
    public async Task Create_ValidName_AnswersCreatedWithCallerAsOnlyAdmin()
    {
        var user = await TestUsers.RegisterAsync(app);
        var name = $"Growth team {Guid.NewGuid():N}";
        var before = DateTimeOffset.UtcNow;

        using var response = await user.Client.PostAsJsonAsync("/api/v1/workspaces", new { name = $"  {name}  " }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(
            ["autoJoinPermissionId", "companyDomain", "createdAt", "id", "joinPolicy", "memberCount", "name", "permission", "permissionId"],
            body.EnumerateObject().Select(property => property.Name).Order(StringComparer.Ordinal));
        var id = body.GetProperty("id").GetGuid();
        Assert.NotEqual(Guid.Empty, id);
        Assert.Equal(name, body.GetProperty("name").GetString());
        Assert.Equal("Admin", body.GetProperty("permission").GetString());
        Assert.Equal(1, body.GetProperty("memberCount").GetInt32());
        var createdAt = body.GetProperty("createdAt").GetDateTimeOffset();
        Assert.InRange(createdAt, before.AddSeconds(-5), DateTimeOffset.UtcNow.AddSeconds(5));
        Assert.Equal($"/api/v1/workspaces/{id}", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Create_NameOfMaximumLength_IsAccepted()
    {
        var user = await TestUsers.RegisterAsync(app);
        var name = new string('w', Workspace.NameMaxLength);

        var workspace = await user.Client.CreateWorkspaceAsync(name);

        Assert.Equal(name, workspace.Name);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public async Task Create_EmptyName_AnswersValidationProblemAndCreatesNothing(string? name)
    {
        var user = await TestUsers.RegisterAsync(app);

        using var response = await user.Client.PostAsJsonAsync("/api/v1/workspaces", new { name }, TestContext.Current.CancellationToken);

        await response.AssertValidationProblemAsync("name");
        Assert.Empty((await user.Client.GetMeAsync()).Workspaces);
    }

    [Fact]
    public async Task Create_NameOverMaximumLength_AnswersValidationProblemAndCreatesNothing()
    {
        var user = await TestUsers.RegisterAsync(app);

        using var response = await user.Client.PostAsJsonAsync("/api/v1/workspaces", new { name = new string('w', Workspace.NameMaxLength + 1) }, TestContext.Current.CancellationToken);

        await response.AssertValidationProblemAsync("name");
        Assert.Empty((await user.Client.GetMeAsync()).Workspaces);
    }

    [Fact]
    public async Task List_AnswersOnlyTheCallersWorkspacesWithTheirPermission()
    {
        var user = await TestUsers.RegisterAsync(app);
        var stranger = await TestUsers.RegisterAsync(app);
        var own = await user.Client.CreateWorkspaceAsync("B own workspace");
        var strangers = await stranger.Client.CreateWorkspaceAsync("A stranger's workspace");
        var link = await stranger.Client.CreateLinkAsync(strangers.Id, "Viewer");
        using var accepted = await user.Client.AcceptAsync(ApiClient.TokenOf(link));
        await accepted.EnsureSuccessAsync();
        await stranger.Client.CreateWorkspaceAsync("C not shared");

        var listed = await ApiClient.GetAsync<List<WorkspaceResponse>>(user.Client, "/api/v1/workspaces");

        Assert.Equal([strangers.Id, own.Id], listed.Select(workspace => workspace.Id));
        Assert.Equal(["Viewer", "Admin"], listed.Select(workspace => workspace.Permission));
        Assert.Equal([2, 1], listed.Select(workspace => workspace.MemberCount));
    }

    [Fact]
    public async Task Get_Member_AnswersWorkspace()
    {
        var user = await TestUsers.RegisterAsync(app);
        var workspace = await user.Client.CreateWorkspaceAsync();

        var fetched = await ApiClient.GetAsync<WorkspaceResponse>(user.Client, $"/api/v1/workspaces/{workspace.Id}");

        Assert.Equal((workspace.Id, workspace.Name, "Admin", 1), (fetched.Id, fetched.Name, fetched.Permission, fetched.MemberCount));
        Times.AssertSameInstant(workspace.CreatedAt, fetched.CreatedAt);
    }

    [Fact]
    public async Task Get_AfterCreate_AnswersTheCreatedAtTheCreationAnswered()
    {
        var user = await TestUsers.RegisterAsync(app);
        var workspace = await user.Client.CreateWorkspaceAsync();

        var fetched = await ApiClient.GetAsync<WorkspaceResponse>(user.Client, $"/api/v1/workspaces/{workspace.Id}");

        // A client that keeps the creation's answer must be able to compare it with later reads.
        Assert.Equal(workspace.CreatedAt, fetched.CreatedAt);
    }

    [Fact]
    public async Task Get_NonMember_AnswersNotFoundWithoutName()
    {
        var owner = await TestUsers.RegisterAsync(app);
        var stranger = await TestUsers.RegisterAsync(app);
        var workspace = await owner.Client.CreateWorkspaceAsync();

        using var response = await stranger.Client.GetAsync(new Uri($"/api/v1/workspaces/{workspace.Id}", UriKind.Relative), TestContext.Current.CancellationToken);

        var problem = await response.AssertProblemAsync(HttpStatusCode.NotFound, "workspace.not_found");
        Assert.DoesNotContain(workspace.Name, problem.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    [InlineData("not-a-guid")]
    public async Task Get_UnknownOrMalformedId_AnswersNotFound(string id)
    {
        var user = await TestUsers.RegisterAsync(app);

        using var response = await user.Client.GetAsync(new Uri($"/api/v1/workspaces/{id}", UriKind.Relative), TestContext.Current.CancellationToken);

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "workspace.not_found");
    }

    [Fact]
    public async Task Create_Anonymous_AnswersUnauthorized()
    {
        var client = app.CreateHttpClient();

        using var response = await client.PostAsJsonAsync("/api/v1/workspaces", new { name = "Nobody's" }, TestContext.Current.CancellationToken);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.required");
    }
}
