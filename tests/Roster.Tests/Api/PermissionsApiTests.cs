using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Roster.Features.Permissions;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Api;

public sealed class PermissionsApiTests(RosterApp app)
{
    private static readonly CancellationToken Cancel = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Menus_ListsTheCatalogInOrder()
    {
        var user = await TestUsers.RegisterAsync(app);

        var menus = await ApiClient.GetAsync<List<MenuResponse>>(user.Client, "/api/v1/menus");

        Assert.Equal(["A/B Test", "Feature Flag", "Remote Config", "Analytics", "Data Management", "CRM"], menus.Select(m => m.Name));
        Assert.Equal("ab-test", menus[0].Key);
    }

    [Fact]
    public async Task List_NewWorkspace_HasTheThreeBuiltInsWithTheirGrantsAndMemberCounts()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await app.CreateWorkspaceOnPlanAsync(admin, TestPlans.Enterprise);
        await TestUsers.JoinAsync(app, admin, workspace.Id, "Viewer");

        using var response = await admin.Client.GetAsync(new Uri($"/api/v1/workspaces/{workspace.Id}/permissions", UriKind.Relative), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        var first = body.EnumerateArray().First();
        Assert.Equal(
            ["administers", "builtIn", "grants", "id", "members", "name"],
            first.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        var permissions = body.Deserialize<List<PermissionResponse>>(JsonSerializerOptions.Web)!;
        Assert.Equal(["Admin", "Member", "Viewer"], permissions.Select(p => p.Name));
        Assert.All(permissions, p => Assert.True(p.BuiltIn));
        Assert.Equal([true, false, false], permissions.Select(p => p.Administers));
        Assert.Equal([1, 0, 1], permissions.Select(p => p.Members));
        Assert.Equal(["edit", "read-only", "data-download", "data-read"], permissions[1].Grants["crm"]);
        Assert.Equal(["read-only", "data-read"], permissions[2].Grants["analytics"]);
        Assert.Equal(6, permissions[2].Grants.Count);
    }

    [Fact]
    public async Task Create_Custom_AnswersCreatedWithImpliedGrantsAndALocationThatAnswers()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await app.CreateWorkspaceOnPlanAsync(admin, TestPlans.Enterprise);

        using var response = await admin.Client.PostAsJsonAsync(
            $"/api/v1/workspaces/{workspace.Id}/permissions",
            new { name = "  Experimenter  ", grants = new Dictionary<string, string[]> { ["ab-test"] = ["edit"], ["analytics"] = ["READ-ONLY", "data-download"], ["crm"] = [] } },
            Cancel);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await ApiClient.ReadAsync<PermissionResponse>(response);
        Assert.Equal(("Experimenter", false, false, 0), (created.Name, created.BuiltIn, created.Administers, created.Members));
        Assert.Equal(["ab-test", "analytics"], created.Grants.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["edit", "read-only"], created.Grants["ab-test"]);
        Assert.Equal(["read-only", "data-download"], created.Grants["analytics"]);
        Assert.Equal($"/api/v1/workspaces/{workspace.Id}/permissions/{created.Id}", response.Headers.Location?.OriginalString);
        var fetched = await ApiClient.GetAsync<PermissionResponse>(admin.Client, response.Headers.Location!.OriginalString);
        Assert.Equal(created.Id, fetched.Id);
    }

    [Theory]
    [InlineData("admin")]
    [InlineData(" VIEWER ")]
    [InlineData("Member")]
    public async Task Create_NameOfABuiltIn_AnyCase_IsRefusedAsTaken(string name)
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await app.CreateWorkspaceOnPlanAsync(admin, TestPlans.Enterprise);

        using var response = await admin.Client.PostAsJsonAsync($"/api/v1/workspaces/{workspace.Id}/permissions", new { name, grants = new { } }, Cancel);

        await response.AssertProblemAsync(HttpStatusCode.Conflict, "permission.name_taken");
    }

    [Fact]
    public async Task Create_SameNameTwice_SecondIsRefused_AndTenAtOnceMakeOne()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await app.CreateWorkspaceOnPlanAsync(admin, TestPlans.Enterprise);

        var statuses = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ =>
        {
            using var response = await admin.Client.PostAsJsonAsync(
                $"/api/v1/workspaces/{workspace.Id}/permissions", new { name = "Analyst", grants = new { analytics = new[] { "read-only" } } }, Cancel);
            return response.StatusCode;
        }));

        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.Created));
        Assert.All(statuses.Where(s => s != HttpStatusCode.Created), s => Assert.Equal(HttpStatusCode.Conflict, s));
        var permissions = await ApiClient.GetAsync<List<PermissionResponse>>(admin.Client, $"/api/v1/workspaces/{workspace.Id}/permissions");
        Assert.Single(permissions, p => p.Name == "Analyst");
    }

    [Fact]
    public async Task Create_BadNameOrGrants_AnswersFieldErrors()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await app.CreateWorkspaceOnPlanAsync(admin, TestPlans.Enterprise);
        var path = $"/api/v1/workspaces/{workspace.Id}/permissions";

        using (var response = await admin.Client.PostAsJsonAsync(path, new { name = "", grants = new { nope = new[] { "edit" }, crm = new[] { "fly" } } }, Cancel))
        {
            await response.AssertValidationProblemAsync("name", "grants.nope", "grants.crm");
        }

        using (var response = await admin.Client.PostAsJsonAsync(path, new { name = new string('x', Permission.NameMaxLength + 1) }, Cancel))
        {
            await response.AssertValidationProblemAsync("name");
        }

        using (var response = await admin.Client.PostAsJsonAsync(path, new { name = Guid.NewGuid().ToString() }, Cancel))
        {
            await response.AssertValidationProblemAsync("name");
        }

        Assert.Equal(3, (await ApiClient.GetAsync<List<PermissionResponse>>(admin.Client, path)).Count);
    }

    [Fact]
    public async Task Update_RenameAndRegrant_KeepsMembersAndChangesTheirAccessOnTheNextRequest()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await app.CreateWorkspaceOnPlanAsync(admin, TestPlans.Enterprise);
        var custom = await admin.Client.CreatePermissionAsync(workspace.Id, "Flagger", new Dictionary<string, string[]> { ["feature-flag"] = ["edit"] });
        var member = await TestUsers.JoinAsync(app, admin, workspace.Id, "Flagger");
        Assert.Contains("edit", await GrantsOfAsync(member, workspace.Id, "feature-flag"));

        using var response = await admin.Client.PatchAsJsonAsync(
            $"/api/v1/workspaces/{workspace.Id}/permissions/{custom.Id}",
            new { name = "Flag reader", grants = new { feature_flag_typo = Array.Empty<string>() } },
            Cancel);
        await response.AssertValidationProblemAsync("grants.feature_flag_typo");

        using var renamed = await admin.Client.PatchAsJsonAsync(
            $"/api/v1/workspaces/{workspace.Id}/permissions/{custom.Id}",
            new { name = "Flag reader", grants = new Dictionary<string, string[]> { ["feature-flag"] = ["read-only"] } },
            Cancel);

        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        var updated = await ApiClient.ReadAsync<PermissionResponse>(renamed);
        Assert.Equal(("Flag reader", 1), (updated.Name, updated.Members));
        var listed = (await admin.Client.ListMembersAsync(workspace.Id)).Single(m => m.UserId == member.Id);
        Assert.Equal(("Flag reader", custom.Id), (listed.Permission, listed.PermissionId));
        Assert.Equal(["read-only"], await GrantsOfAsync(member, workspace.Id, "feature-flag"));
    }

    [Fact]
    public async Task UpdateOrDelete_BuiltIn_IsRefused()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await app.CreateWorkspaceOnPlanAsync(admin, TestPlans.Enterprise);
        var viewer = (await ApiClient.GetAsync<List<PermissionResponse>>(admin.Client, $"/api/v1/workspaces/{workspace.Id}/permissions")).Single(p => p.Name == "Viewer");

        using var patched = await admin.Client.PatchAsJsonAsync($"/api/v1/workspaces/{workspace.Id}/permissions/{viewer.Id}", new { name = "Watcher" }, Cancel);
        await patched.AssertProblemAsync(HttpStatusCode.Conflict, "permission.built_in");
        using var deleted = await admin.Client.DeleteAsync(new Uri($"/api/v1/workspaces/{workspace.Id}/permissions/{viewer.Id}", UriKind.Relative), Cancel);
        await deleted.AssertProblemAsync(HttpStatusCode.Conflict, "permission.built_in");
    }

    [Fact]
    public async Task Delete_InUse_IsRefusedUntilMembersAreMoved_ThenItsLinksStopWorking()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await app.CreateWorkspaceOnPlanAsync(admin, TestPlans.Enterprise);
        var custom = await admin.Client.CreatePermissionAsync(workspace.Id, "Temp", PermissionApi.OnEveryMenu("read-only"));
        var member = await TestUsers.JoinAsync(app, admin, workspace.Id, custom.Id.ToString());
        var link = await admin.Client.CreateLinkAsync(workspace.Id, "temp");
        var path = $"/api/v1/workspaces/{workspace.Id}/permissions/{custom.Id}";

        using (var refused = await admin.Client.DeleteAsync(new Uri(path, UriKind.Relative), Cancel))
        {
            var problem = await refused.AssertProblemAsync(HttpStatusCode.Conflict, "permission.in_use");
            Assert.Contains("Move them", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal("Temp", (await admin.Client.ListMembersAsync(workspace.Id)).Single(m => m.UserId == member.Id).Permission);

        using (var moved = await admin.Client.ChangePermissionAsync(workspace.Id, member.Id, "viewer"))
        {
            await moved.EnsureSuccessAsync();
        }

        using (var deleted = await admin.Client.DeleteAsync(new Uri(path, UriKind.Relative), Cancel))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        using (var gone = await admin.Client.GetAsync(new Uri(path, UriKind.Relative), Cancel))
        {
            await gone.AssertProblemAsync(HttpStatusCode.NotFound, "permission.not_found");
        }

        var listed = await admin.Client.GetLinkAsync(workspace.Id, link.Id);
        Assert.Equal(("inactive", null, null), (listed.Status, listed.Permission, listed.PermissionId));
        var joiner = await TestUsers.RegisterAsync(app);
        using var accept = await joiner.Client.AcceptAsync(ApiClient.TokenOf(link));
        await accept.AssertProblemAsync(HttpStatusCode.Gone, "invitation.permission_removed");
        Assert.Equal(0, (await admin.Client.GetLinkAsync(workspace.Id, link.Id)).Uses);
    }

    [Fact]
    public async Task Access_AnswersTheCallersOwnGrantsPerMenu()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await app.CreateWorkspaceOnPlanAsync(admin, TestPlans.Enterprise);
        await admin.Client.CreatePermissionAsync(workspace.Id, "Analyst", new Dictionary<string, string[]> { ["analytics"] = ["data-download", "read-only"] });
        var analyst = await TestUsers.JoinAsync(app, admin, workspace.Id, "Analyst");

        using var response = await analyst.Client.GetAsync(new Uri($"/api/v1/workspaces/{workspace.Id}/access", UriKind.Relative), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var access = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal("Analyst", access.GetProperty("permission").GetString());
        Assert.False(access.GetProperty("administers").GetBoolean());
        var menus = access.GetProperty("menus").EnumerateArray().ToList();
        Assert.Equal(6, menus.Count);
        Assert.Equal(["read-only", "data-download"], menus.Single(m => m.GetProperty("key").GetString() == "analytics").GetProperty("grants").EnumerateArray().Select(g => g.GetString()));
        Assert.All(menus.Where(m => m.GetProperty("key").GetString() != "analytics"), m => Assert.Empty(m.GetProperty("grants").EnumerateArray()));
    }

    private static async Task<List<string>> GrantsOfAsync(TestUser user, Guid workspaceId, string menu)
    {
        var access = await ApiClient.GetAsync<JsonElement>(user.Client, $"/api/v1/workspaces/{workspaceId}/access");
        return access.GetProperty("menus").EnumerateArray()
            .Single(m => m.GetProperty("key").GetString() == menu)
            .GetProperty("grants").EnumerateArray().Select(g => g.GetString()!).ToList();
    }
}
