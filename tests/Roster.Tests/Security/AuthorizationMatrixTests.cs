using System.Net;
using System.Net.Http.Json;
using Roster.Features.Invitations;
using Roster.Features.Workspaces;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Security;

/// <summary>
/// One workspace with an Admin, a Viewer and a Member who joined through links, and the Admin of another
/// workspace. Built once for the matrix; each row leaves it as it found it, or says what it changed.
/// </summary>
public sealed class AuthorizationScenario(RosterApp app) : IAsyncLifetime
{
    public TestUser Admin { get; private set; } = null!;

    public TestUser Viewer { get; private set; } = null!;

    public TestUser Member { get; private set; } = null!;

    public TestUser AdminOfAnotherWorkspace { get; private set; } = null!;

    public WorkspaceResponse Workspace { get; private set; } = null!;

    /// <summary>A live link that no row may revoke, except the Admin's own revoke row, which uses a fresh one.</summary>
    public CreatedInvitationLinkResponse Link { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Admin = await TestUsers.RegisterAsync(app);
        Workspace = await Admin.Client.CreateWorkspaceAsync();
        Viewer = await TestUsers.JoinAsync(app, Admin, Workspace.Id, "Viewer");
        Member = await TestUsers.JoinAsync(app, Admin, Workspace.Id, "Member");
        AdminOfAnotherWorkspace = await TestUsers.RegisterAsync(app);
        await AdminOfAnotherWorkspace.Client.CreateWorkspaceAsync();
        Link = await Admin.Client.CreateLinkAsync(Workspace.Id, "Viewer");
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

public sealed class AuthorizationMatrixTests(RosterApp app, AuthorizationScenario scenario) : IClassFixture<AuthorizationScenario>
{
    public enum Caller
    {
        Anonymous,
        Viewer,
        Member,
        AdminOfAnotherWorkspace,
        Admin,
    }

    public enum Operation
    {
        ListLinks,
        CreateLink,
        RevokeLink,
        ListMembers,
        GetWorkspace,
    }

    [Theory]
    [InlineData(Caller.Anonymous, Operation.ListLinks, HttpStatusCode.Unauthorized, "auth.required")]
    [InlineData(Caller.Anonymous, Operation.CreateLink, HttpStatusCode.Unauthorized, "auth.required")]
    [InlineData(Caller.Anonymous, Operation.RevokeLink, HttpStatusCode.Unauthorized, "auth.required")]
    [InlineData(Caller.Anonymous, Operation.ListMembers, HttpStatusCode.Unauthorized, "auth.required")]
    [InlineData(Caller.Anonymous, Operation.GetWorkspace, HttpStatusCode.Unauthorized, "auth.required")]
    [InlineData(Caller.Viewer, Operation.ListLinks, HttpStatusCode.Forbidden, "workspace.forbidden")]
    [InlineData(Caller.Viewer, Operation.CreateLink, HttpStatusCode.Forbidden, "workspace.forbidden")]
    [InlineData(Caller.Viewer, Operation.RevokeLink, HttpStatusCode.Forbidden, "workspace.forbidden")]
    [InlineData(Caller.Viewer, Operation.ListMembers, HttpStatusCode.OK, null)]
    [InlineData(Caller.Viewer, Operation.GetWorkspace, HttpStatusCode.OK, null)]
    [InlineData(Caller.Member, Operation.ListLinks, HttpStatusCode.Forbidden, "workspace.forbidden")]
    [InlineData(Caller.Member, Operation.CreateLink, HttpStatusCode.Forbidden, "workspace.forbidden")]
    [InlineData(Caller.Member, Operation.RevokeLink, HttpStatusCode.Forbidden, "workspace.forbidden")]
    [InlineData(Caller.Member, Operation.ListMembers, HttpStatusCode.OK, null)]
    [InlineData(Caller.Member, Operation.GetWorkspace, HttpStatusCode.OK, null)]
    [InlineData(Caller.AdminOfAnotherWorkspace, Operation.ListLinks, HttpStatusCode.NotFound, "workspace.not_found")]
    [InlineData(Caller.AdminOfAnotherWorkspace, Operation.CreateLink, HttpStatusCode.NotFound, "workspace.not_found")]
    [InlineData(Caller.AdminOfAnotherWorkspace, Operation.RevokeLink, HttpStatusCode.NotFound, "workspace.not_found")]
    [InlineData(Caller.AdminOfAnotherWorkspace, Operation.ListMembers, HttpStatusCode.NotFound, "workspace.not_found")]
    [InlineData(Caller.AdminOfAnotherWorkspace, Operation.GetWorkspace, HttpStatusCode.NotFound, "workspace.not_found")]
    [InlineData(Caller.Admin, Operation.ListLinks, HttpStatusCode.OK, null)]
    [InlineData(Caller.Admin, Operation.CreateLink, HttpStatusCode.Created, null)]
    [InlineData(Caller.Admin, Operation.RevokeLink, HttpStatusCode.NoContent, null)]
    [InlineData(Caller.Admin, Operation.ListMembers, HttpStatusCode.OK, null)]
    [InlineData(Caller.Admin, Operation.GetWorkspace, HttpStatusCode.OK, null)]
    public async Task Operation_ByCaller_AnswersTheMatrixStatus(Caller caller, Operation operation, HttpStatusCode status, string? code)
    {
        var linksBefore = await scenario.Admin.Client.ListLinksAsync(scenario.Workspace.Id);
        var target = caller == Caller.Admin && operation == Operation.RevokeLink
            ? await scenario.Admin.Client.CreateLinkAsync(scenario.Workspace.Id, "Member")
            : scenario.Link;

        using var response = await SendAsync(ClientOf(caller), operation, target.Id);

        if (code is null)
        {
            Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
        }
        else
        {
            var problem = await response.AssertProblemAsync(status, code);
            Assert.DoesNotContain(scenario.Workspace.Name, problem.ToString(), StringComparison.Ordinal);
        }

        var linksAfter = await scenario.Admin.Client.ListLinksAsync(scenario.Workspace.Id);
        var expectedCount = linksBefore.Count + (target != scenario.Link || status == HttpStatusCode.Created ? 1 : 0);
        Assert.Equal(expectedCount, linksAfter.Count);
        Assert.Equal("active", linksAfter.Single(link => link.Id == scenario.Link.Id).Status);
        if (target != scenario.Link)
        {
            Assert.Equal("revoked", linksAfter.Single(link => link.Id == target.Id).Status);
        }

        Assert.Equal(
            [(scenario.Admin.Id, "Admin"), (scenario.Viewer.Id, "Viewer"), (scenario.Member.Id, "Member")],
            (await scenario.Admin.Client.ListMembersAsync(scenario.Workspace.Id)).Select(member => (member.UserId, member.Permission)));
    }

    private HttpClient ClientOf(Caller caller) => caller switch
    {
        Caller.Anonymous => app.CreateHttpClient(),
        Caller.Viewer => scenario.Viewer.Client,
        Caller.Member => scenario.Member.Client,
        Caller.AdminOfAnotherWorkspace => scenario.AdminOfAnotherWorkspace.Client,
        Caller.Admin => scenario.Admin.Client,
        _ => throw new ArgumentOutOfRangeException(nameof(caller)),
    };

    private Task<HttpResponseMessage> SendAsync(HttpClient client, Operation operation, Guid linkId)
    {
        var workspace = $"/api/v1/workspaces/{scenario.Workspace.Id}";
        var cancellationToken = TestContext.Current.CancellationToken;
        return operation switch
        {
            Operation.ListLinks => client.GetAsync(new Uri($"{workspace}/invitation-links", UriKind.Relative), cancellationToken),
            Operation.CreateLink => client.PostAsJsonAsync($"{workspace}/invitation-links", new { permission = "Admin" }, cancellationToken),
            Operation.RevokeLink => client.DeleteAsync(new Uri($"{workspace}/invitation-links/{linkId}", UriKind.Relative), cancellationToken),
            Operation.ListMembers => client.GetAsync(new Uri($"{workspace}/members", UriKind.Relative), cancellationToken),
            Operation.GetWorkspace => client.GetAsync(new Uri(workspace, UriKind.Relative), cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(operation)),
        };
    }
}
