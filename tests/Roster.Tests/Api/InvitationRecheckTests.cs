using System.Net;
using System.Net.Http.Json;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Api;

/// <summary>
/// Accepting re-checks the link's permission and its creator's rights (SPEC section 3), and the landing page, the
/// API preview and the accept give one verdict, in one order.
/// </summary>
public sealed class InvitationRecheckTests(RosterApp app)
{
    private static readonly CancellationToken Cancel = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Link_OfACreatorNoLongerAdmin_IsRefusedEverywhere_AndListedAsInactive()
    {
        var creator = await TestUsers.RegisterAsync(app);
        var workspace = await creator.Client.CreateWorkspaceAsync();
        var otherAdmin = await TestUsers.JoinAsync(app, creator, workspace.Id, "Admin");
        var link = await creator.Client.CreateLinkAsync(workspace.Id, "Member");
        using (var demoted = await otherAdmin.Client.ChangePermissionAsync(workspace.Id, creator.Id, "Member"))
        {
            await demoted.EnsureSuccessAsync();
        }

        var joiner = await TestUsers.RegisterAsync(app);
        using (var preview = await joiner.Client.PreviewAsync(ApiClient.TokenOf(link)))
        {
            await preview.AssertProblemAsync(HttpStatusCode.Gone, "invitation.creator_lost_rights");
        }

        using (var accept = await joiner.Client.AcceptAsync(ApiClient.TokenOf(link)))
        {
            await accept.AssertProblemAsync(HttpStatusCode.Gone, "invitation.creator_lost_rights");
        }

        var page = await app.CreateHttpClient().GetAsync(new Uri(new Uri(link.Url).PathAndQuery, UriKind.Relative), Cancel);
        Assert.Equal(HttpStatusCode.Gone, page.StatusCode);
        Assert.Contains("can no longer invite people", await page.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);

        var listed = await otherAdmin.Client.GetLinkAsync(workspace.Id, link.Id);
        Assert.Equal(("inactive", 0), (listed.Status, listed.Uses));
        Assert.DoesNotContain((await otherAdmin.Client.ListMembersAsync(workspace.Id)), m => m.UserId == joiner.Id);
    }

    [Fact]
    public async Task Link_OfACreatorWhoLeft_IsRefused()
    {
        var creator = await TestUsers.RegisterAsync(app);
        var workspace = await creator.Client.CreateWorkspaceAsync();
        await TestUsers.JoinAsync(app, creator, workspace.Id, "Admin");
        var link = await creator.Client.CreateLinkAsync(workspace.Id, "Viewer");
        using (var left = await creator.Client.RemoveMemberAsync(workspace.Id, creator.Id))
        {
            Assert.Equal(HttpStatusCode.NoContent, left.StatusCode);
        }

        var joiner = await TestUsers.RegisterAsync(app);
        using var accept = await joiner.Client.AcceptAsync(ApiClient.TokenOf(link));

        await accept.AssertProblemAsync(HttpStatusCode.Gone, "invitation.creator_lost_rights");
    }

    [Fact]
    public async Task Member_WithAnAddressOutsideTheLinksDomains_IsToldAlreadyMember_ByThePageThePreviewAndTheAccept()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var member = await TestUsers.JoinAsync(app, admin, workspace.Id, "Viewer");
        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Member", allowedDomains: ["elsewhere.example"]);
        var token = ApiClient.TokenOf(link);

        using (var preview = await member.Client.PreviewAsync(token))
        {
            await preview.AssertProblemAsync(HttpStatusCode.Conflict, "invitation.already_member");
        }

        using (var accept = await member.Client.AcceptAsync(token))
        {
            await accept.AssertProblemAsync(HttpStatusCode.Conflict, "invitation.already_member");
        }

        var browser = await CookieSession.SignInAsync(app, member);
        var page = await browser.GetStringAsync(new Uri($"/invite/{token}", UriKind.Relative), Cancel);
        Assert.Contains($"You are already a member of {workspace.Name}", page, StringComparison.Ordinal);
        Assert.Contains("<strong>Viewer</strong>", page, StringComparison.Ordinal);
        Assert.Equal("Viewer", (await admin.Client.ListMembersAsync(workspace.Id)).Single(m => m.UserId == member.Id).Permission);
    }

    [Fact]
    public async Task Preview_SignedIn_OutsideTheDomains_IsTheSameVerdictAsTheAccept()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Member", allowedDomains: ["elsewhere.example"]);
        var outsider = await TestUsers.RegisterAsync(app);

        using var preview = await outsider.Client.PreviewAsync(ApiClient.TokenOf(link));
        using var accept = await outsider.Client.AcceptAsync(ApiClient.TokenOf(link));
        using var anonymous = await app.CreateHttpClient().PreviewAsync(ApiClient.TokenOf(link));

        await preview.AssertProblemAsync(HttpStatusCode.Forbidden, "invitation.domain_not_allowed");
        await accept.AssertProblemAsync(HttpStatusCode.Forbidden, "invitation.domain_not_allowed");
        Assert.Equal(HttpStatusCode.OK, anonymous.StatusCode);
        Assert.Contains("\"allowedDomains\":[\"elsewhere.example\"]", await anonymous.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Location_OfEveryCreatedResource_AnswersAGet()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var locations = new List<string>();
        using (var response = await admin.Client.PostAsJsonAsync("/api/v1/workspaces", new { name = "Located" }, Cancel))
        {
            locations.Add(response.Headers.Location!.OriginalString);
        }

        var workspaceId = Guid.Parse(locations[0].Split('/')[^1]);

        // Custom permissions and API keys need a plan that includes them.
        await app.SetPlanAsync(workspaceId, TestPlans.Enterprise);
        foreach (var (path, body) in new (string, object)[]
        {
            ($"/api/v1/workspaces/{workspaceId}/invitation-links", new { permission = "Viewer" }),
            ($"/api/v1/workspaces/{workspaceId}/permissions", new { name = "Located", grants = new { crm = new[] { "read-only" } } }),
            ($"/api/v1/workspaces/{workspaceId}/api-keys", new { name = "Located" }),
        })
        {
            using var response = await admin.Client.PostAsJsonAsync(path, body, Cancel);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            locations.Add(response.Headers.Location!.OriginalString);
        }

        foreach (var location in locations)
        {
            Assert.StartsWith("/api/v1/", location, StringComparison.Ordinal);
            using var response = await admin.Client.GetAsync(new Uri(location, UriKind.Relative), Cancel);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {location} answered {(int)response.StatusCode}");
        }
    }
}
