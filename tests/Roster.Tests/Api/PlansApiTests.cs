using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Roster.Features.Plans;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Api;

/// <summary>Plans (SPEC section 6): the member limit at the invitation's doors, feature locks, and GET .../plan.</summary>
public sealed class PlansApiTests(RosterApp app)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetPlan_OnANewWorkspace_AnswersTheDefaultFreePlanAndEveryPlan()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var viewer = await TestUsers.JoinAsync(app, admin, workspace.Id, "Viewer");

        var plan = await ApiClient.GetAsync<WorkspacePlanResponse>(viewer.Client, $"/api/v1/workspaces/{workspace.Id}/plan");

        Assert.Equal(("Free", 5, 2), (plan.Plan, plan.MemberLimit, plan.Members));
        Assert.Empty(plan.Features);
        Assert.Equal(["Free", "Pro", "Enterprise"], plan.Plans.Select(p => p.Name));
        Assert.Equal([5, 50, null], plan.Plans.Select(p => p.MemberLimit));
        Assert.Equal(["email-invitations", "automatic-domain-join", "api-keys"], plan.Plans[1].Features);
        Assert.Equal(["custom-permissions", "email-invitations", "automatic-domain-join", "api-keys", "audit-log-export"], plan.Plans[2].Features);
    }

    [Fact]
    public async Task GetPlan_AfterThePlanChanges_AnswersTheNewPlanWithNoLimitAsNull()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await app.CreateWorkspaceOnPlanAsync(admin, TestPlans.Enterprise);

        using var response = await admin.Client.GetAsync(new Uri($"/api/v1/workspaces/{workspace.Id}/plan", UriKind.Relative), Cancel);
        await response.EnsureSuccessAsync();
        var json = await response.Content.ReadAsStringAsync(Cancel);

        Assert.Contains("\"plan\":\"Enterprise\"", json, StringComparison.Ordinal);
        Assert.Contains("\"memberLimit\":null", json, StringComparison.Ordinal);
        Assert.Contains("\"members\":1", json, StringComparison.Ordinal);
        Assert.Contains("\"features\":[\"custom-permissions\",\"email-invitations\",\"automatic-domain-join\",\"api-keys\",\"audit-log-export\"]", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Accept_IntoAFullWorkspace_Answers409_LeavesTheUseCountUnchanged_AndWorksOnceASeatFrees()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var members = new List<TestUser>();
        for (var i = 0; i < 4; i++)
        {
            members.Add(await TestUsers.JoinAsync(app, admin, workspace.Id, "Member"));
        }

        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Viewer", maxUses: 3);
        var token = ApiClient.TokenOf(link);
        var sixth = await TestUsers.RegisterAsync(app);

        using var preview = await sixth.Client.PreviewAsync(token);
        using var anonymousPreview = await app.CreateHttpClient().PreviewAsync(token);
        using var refused = await sixth.Client.AcceptAsync(token);

        await preview.AssertProblemAsync(HttpStatusCode.Conflict, "plan.member_limit_reached");
        await anonymousPreview.AssertProblemAsync(HttpStatusCode.Conflict, "plan.member_limit_reached");
        await refused.AssertProblemAsync(HttpStatusCode.Conflict, "plan.member_limit_reached");
        Assert.Equal((0, "active"), await UsesAndStatusAsync(admin, workspace.Id, link.Id));
        Assert.Equal(5, (await admin.Client.ListMembersAsync(workspace.Id)).Count);
        Assert.Empty((await sixth.Client.GetMeAsync()).Workspaces);

        // An existing member opening the link is told they are in already, before "full".
        using var again = await members[0].Client.PreviewAsync(token);
        await again.AssertProblemAsync(HttpStatusCode.Conflict, "invitation.already_member");

        using var removed = await admin.Client.RemoveMemberAsync(workspace.Id, members[0].Id);
        await removed.EnsureSuccessAsync();
        using var accepted = await sixth.Client.AcceptAsync(token);

        await accepted.EnsureSuccessAsync();
        Assert.Equal((1, "active"), await UsesAndStatusAsync(admin, workspace.Id, link.Id));
        Assert.Contains(sixth.Id, (await admin.Client.ListMembersAsync(workspace.Id)).Select(m => m.UserId));
    }

    [Fact]
    public async Task CustomPermissions_OnFree_CreateAndUpdateAnswerFeatureLocked_DeleteStaysAllowed_AndThePlanChangeUnlocks()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await app.CreateWorkspaceOnPlanAsync(admin, TestPlans.Enterprise);
        var kept = await admin.Client.CreatePermissionAsync(workspace.Id, "Analyst", PermissionApi.OnEveryMenu("data-read"));
        var spare = await admin.Client.CreatePermissionAsync(workspace.Id, "Spare", PermissionApi.OnEveryMenu("read-only"));
        var analyst = await TestUsers.JoinAsync(app, admin, workspace.Id, "Analyst");
        await app.SetPlanAsync(workspace.Id, TestPlans.Free);

        using var create = await admin.Client.PostAsJsonAsync(
            $"/api/v1/workspaces/{workspace.Id}/permissions", new { name = "Auditor", grants = PermissionApi.OnEveryMenu("read-only") }, Cancel);
        using var update = await admin.Client.PatchAsJsonAsync(
            $"/api/v1/workspaces/{workspace.Id}/permissions/{kept.Id}", new { name = "Renamed" }, Cancel);

        var problem = await create.AssertProblemAsync(HttpStatusCode.Forbidden, "plan.feature_locked");
        Assert.Contains("Enterprise", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        await update.AssertProblemAsync(HttpStatusCode.Forbidden, "plan.feature_locked");
        Assert.Equal("Analyst", (await ApiClient.GetAsync<Roster.Features.Permissions.PermissionResponse>(admin.Client, $"/api/v1/workspaces/{workspace.Id}/permissions/{kept.Id}")).Name);
        Assert.Equal("Analyst", (await admin.Client.ListMembersAsync(workspace.Id)).Single(m => m.UserId == analyst.Id).Permission);

        // Giving a custom permission to someone new is using the feature too: by a link or by a change of permission.
        var viewer = await TestUsers.JoinAsync(app, admin, workspace.Id, "Viewer");
        using (var link = await admin.Client.PostAsJsonAsync($"/api/v1/workspaces/{workspace.Id}/invitation-links", new { permission = "Analyst" }, Cancel))
        {
            await link.AssertProblemAsync(HttpStatusCode.Forbidden, "plan.feature_locked");
        }

        using (var changed = await admin.Client.ChangePermissionAsync(workspace.Id, viewer.Id, "Spare"))
        {
            await changed.AssertProblemAsync(HttpStatusCode.Forbidden, "plan.feature_locked");
        }

        using (var builtIn = await admin.Client.ChangePermissionAsync(workspace.Id, viewer.Id, "Member"))
        {
            await builtIn.EnsureSuccessAsync();
        }

        using var deleted = await admin.Client.DeleteAsync(new Uri($"/api/v1/workspaces/{workspace.Id}/permissions/{spare.Id}", UriKind.Relative), Cancel);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        await app.SetPlanAsync(workspace.Id, TestPlans.Enterprise);
        using var createdAfter = await admin.Client.PostAsJsonAsync(
            $"/api/v1/workspaces/{workspace.Id}/permissions", new { name = "Auditor", grants = PermissionApi.OnEveryMenu("read-only") }, Cancel);
        using var updatedAfter = await admin.Client.PatchAsJsonAsync(
            $"/api/v1/workspaces/{workspace.Id}/permissions/{kept.Id}", new { name = "Renamed" }, Cancel);
        Assert.Equal(HttpStatusCode.Created, createdAfter.StatusCode);
        Assert.Equal(HttpStatusCode.OK, updatedAfter.StatusCode);
        await admin.Client.CreateLinkAsync(workspace.Id, "Renamed");
    }

    [Fact]
    public async Task ApiKeys_OnFree_CreateAndUseAnswerFeatureLocked_ListAndRevokeStayAllowed_AndThePlanChangeUnlocks()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await app.CreateWorkspaceOnPlanAsync(admin, TestPlans.Pro);
        var (keyId, secret) = await admin.Client.CreateApiKeyAsync(workspace.Id);
        var (spareId, _) = await admin.Client.CreateApiKeyAsync(workspace.Id, "spare");
        using var service = app.CreateHttpClient();
        service.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        var check = new { userId = admin.Id, menu = "crm", grant = "edit" };
        using var beforeUse = await service.PostAsJsonAsync($"/api/v1/workspaces/{workspace.Id}/authorize", check, Cancel);
        await beforeUse.EnsureSuccessAsync();
        await app.SetPlanAsync(workspace.Id, TestPlans.Free);

        using var create = await admin.Client.PostAsJsonAsync($"/api/v1/workspaces/{workspace.Id}/api-keys", new { name = "another" }, Cancel);
        using var use = await service.PostAsJsonAsync($"/api/v1/workspaces/{workspace.Id}/authorize", check, Cancel);

        var problem = await create.AssertProblemAsync(HttpStatusCode.Forbidden, "plan.feature_locked");
        Assert.Contains("Pro", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        await use.AssertProblemAsync(HttpStatusCode.Forbidden, "plan.feature_locked");
        var keys = await ApiClient.GetAsync<List<Roster.Features.ApiKeys.ApiKeyResponse>>(admin.Client, $"/api/v1/workspaces/{workspace.Id}/api-keys");
        Assert.Equal(2, keys.Count);
        using var revoked = await admin.Client.DeleteAsync(new Uri($"/api/v1/workspaces/{workspace.Id}/api-keys/{spareId}", UriKind.Relative), Cancel);
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);

        await app.SetPlanAsync(workspace.Id, TestPlans.Pro);
        using var useAfter = await service.PostAsJsonAsync($"/api/v1/workspaces/{workspace.Id}/authorize", check, Cancel);
        using var createAfter = await admin.Client.PostAsJsonAsync($"/api/v1/workspaces/{workspace.Id}/api-keys", new { name = "another" }, Cancel);
        await useAfter.EnsureSuccessAsync();
        Assert.Equal(HttpStatusCode.Created, createAfter.StatusCode);
        Assert.NotEqual(keyId, spareId);
    }

    private static async Task<(int Uses, string Status)> UsesAndStatusAsync(TestUser admin, Guid workspaceId, Guid linkId)
    {
        var link = await admin.Client.GetLinkAsync(workspaceId, linkId);
        return (link.Uses, link.Status);
    }
}
