using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Api;

/// <summary>The routes a link's holder uses: preview and accept.</summary>
public sealed class InvitationsApiTests(RosterApp app)
{
    [Fact]
    public async Task Preview_Anonymous_AnswersWorkspaceAndPermission()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Viewer");

        using var response = await app.CreateHttpClient().PreviewAsync(ApiClient.TokenOf(link));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(
            ["allowedDomains", "expiresAt", "permission", "permissionId", "workspaceId", "workspaceName"],
            body.EnumerateObject().Select(property => property.Name).Order(StringComparer.Ordinal));
        Assert.Equal(workspace.Id, body.GetProperty("workspaceId").GetGuid());
        Assert.Equal(workspace.Name, body.GetProperty("workspaceName").GetString());
        Assert.Equal("Viewer", body.GetProperty("permission").GetString());
        Times.AssertSameInstant(link.ExpiresAt, body.GetProperty("expiresAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Preview_TokenOneCharacterOffARealOne_AnswersNotFoundWithoutWorkspaceName()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var token = ApiClient.TokenOf(await admin.Client.CreateLinkAsync(workspace.Id, "Member"));
        var unknown = token[..^1] + (token[^1] == 'A' ? 'B' : 'A');

        using var response = await app.CreateHttpClient().PreviewAsync(unknown);

        var problem = await response.AssertProblemAsync(HttpStatusCode.NotFound, "invitation.not_found");
        Assert.DoesNotContain(workspace.Name, problem.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(workspace.Id.ToString(), problem.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("short")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.A")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Preview_MalformedOrUnknownToken_AnswersNotFound(string token)
    {
        using var response = await app.CreateHttpClient().PreviewAsync(token);

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "invitation.not_found");
    }

    [Fact]
    public async Task Preview_UsedUpLink_AnswersGoneUsedUp()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Member", maxUses: 1);
        var first = await TestUsers.RegisterAsync(app);
        using var accepted = await first.Client.AcceptAsync(ApiClient.TokenOf(link));
        await accepted.EnsureSuccessAsync();

        using var response = await app.CreateHttpClient().PreviewAsync(ApiClient.TokenOf(link));

        var problem = await response.AssertProblemAsync(HttpStatusCode.Gone, "invitation.used_up");
        Assert.DoesNotContain(workspace.Name, problem.ToString(), StringComparison.Ordinal);
        Assert.Equal("used_up", (await admin.Client.GetLinkAsync(workspace.Id, link.Id)).Status);
    }

    [Fact]
    public async Task Accept_ActiveLink_JoinsWithTheLinksPermission()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Member");
        var joiner = await TestUsers.RegisterAsync(app);

        using var response = await joiner.Client.AcceptAsync(ApiClient.TokenOf(link));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(workspace.Id, body.GetProperty("workspaceId").GetGuid());
        Assert.Equal(workspace.Name, body.GetProperty("workspaceName").GetString());
        Assert.Equal("Member", body.GetProperty("permission").GetString());

        var member = Assert.Single(await admin.Client.ListMembersAsync(workspace.Id), member => member.UserId == joiner.Id);
        Assert.Equal("Member", member.Permission);
        Assert.Equal(link.Id, member.InvitationLinkId);
        var joined = Assert.Single((await joiner.Client.GetMeAsync()).Workspaces);
        Assert.Equal((workspace.Id, "Member", 2), (joined.Id, joined.Permission, joined.MemberCount));
        Assert.Equal(1, (await admin.Client.GetLinkAsync(workspace.Id, link.Id)).Uses);
    }

    [Fact]
    public async Task Accept_AdminLink_JoinsAsAdminAndUsesUpTheLink()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Admin");
        var coAdmin = await TestUsers.RegisterAsync(app);
        var late = await TestUsers.RegisterAsync(app);

        using var accepted = await coAdmin.Client.AcceptAsync(ApiClient.TokenOf(link));
        using var refused = await late.Client.AcceptAsync(ApiClient.TokenOf(link));

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        await refused.AssertProblemAsync(HttpStatusCode.Gone, "invitation.used_up");
        Assert.Equal("Admin", Assert.Single((await coAdmin.Client.GetMeAsync()).Workspaces).Permission);
        Assert.Empty((await late.Client.GetMeAsync()).Workspaces);
    }

    [Fact]
    public async Task Accept_AlreadyMember_AnswersConflictAndChangesNothing()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var viewer = await TestUsers.JoinAsync(app, admin, workspace.Id, "Viewer");
        var memberLink = await admin.Client.CreateLinkAsync(workspace.Id, "Member");

        using var response = await viewer.Client.AcceptAsync(ApiClient.TokenOf(memberLink));

        await response.AssertProblemAsync(HttpStatusCode.Conflict, "invitation.already_member");
        var members = await admin.Client.ListMembersAsync(workspace.Id);
        Assert.Equal("Viewer", Assert.Single(members, member => member.UserId == viewer.Id).Permission);
        Assert.Equal(2, members.Count);
        Assert.Equal(0, (await admin.Client.GetLinkAsync(workspace.Id, memberLink.Id)).Uses);
    }

    [Fact]
    public async Task Accept_TheAdminOwnLink_AnswersConflictAndStaysAdmin()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Viewer");

        using var response = await admin.Client.AcceptAsync(ApiClient.TokenOf(link));

        await response.AssertProblemAsync(HttpStatusCode.Conflict, "invitation.already_member");
        Assert.Equal("Admin", Assert.Single(await admin.Client.ListMembersAsync(workspace.Id)).Permission);
        Assert.Equal(0, (await admin.Client.GetLinkAsync(workspace.Id, link.Id)).Uses);
    }

    [Fact]
    public async Task Accept_RevokedLink_AnswersGoneRevokedAndJoinsNobody()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Member");
        using var revoked = await admin.Client.DeleteAsync(new Uri($"/api/v1/workspaces/{workspace.Id}/invitation-links/{link.Id}", UriKind.Relative), TestContext.Current.CancellationToken);
        await revoked.EnsureSuccessAsync();
        var joiner = await TestUsers.RegisterAsync(app);

        using var response = await joiner.Client.AcceptAsync(ApiClient.TokenOf(link));

        await response.AssertProblemAsync(HttpStatusCode.Gone, "invitation.revoked");
        Assert.Single(await admin.Client.ListMembersAsync(workspace.Id));
        Assert.Equal(0, (await admin.Client.GetLinkAsync(workspace.Id, link.Id)).Uses);
    }

    [Fact]
    public async Task Accept_UnknownToken_AnswersNotFound()
    {
        var user = await TestUsers.RegisterAsync(app);

        using var response = await user.Client.AcceptAsync(new string('Q', 43));

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "invitation.not_found");
        Assert.Empty((await user.Client.GetMeAsync()).Workspaces);
    }

    [Fact]
    public async Task Accept_Anonymous_AnswersUnauthorizedAndConsumesNothing()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Member", maxUses: 1);

        using var response = await app.CreateHttpClient().AcceptAsync(ApiClient.TokenOf(link));

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.required");
        Assert.Equal(0, (await admin.Client.GetLinkAsync(workspace.Id, link.Id)).Uses);
    }

    [Fact]
    public async Task Accept_DomainRestrictedLink_NeedsAnAccountOnTheDomainWithAVerifiedEmail()
    {
        var domain = $"team{Guid.NewGuid():N}.example";
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Member", allowedDomains: [domain]);
        var token = ApiClient.TokenOf(link);
        var outsider = await TestUsers.RegisterAsync(app, TestUsers.NewEmail($"other{Guid.NewGuid():N}.example"));
        var colleague = await TestUsers.RegisterAsync(app, TestUsers.NewEmail(domain).ToUpperInvariant());

        using var outsiderAnswer = await outsider.Client.AcceptAsync(token);
        using var unverifiedAnswer = await colleague.Client.AcceptAsync(token);

        await outsiderAnswer.AssertProblemAsync(HttpStatusCode.Forbidden, "invitation.domain_not_allowed");
        await unverifiedAnswer.AssertProblemAsync(HttpStatusCode.Forbidden, "invitation.email_unverified");
        Assert.Equal(0, (await admin.Client.GetLinkAsync(workspace.Id, link.Id)).Uses);

        colleague = await TestUsers.ConfirmEmailAsync(app, colleague);
        using var verifiedAnswer = await colleague.Client.AcceptAsync(token);

        Assert.Equal(HttpStatusCode.OK, verifiedAnswer.StatusCode);
        Assert.True((await colleague.Client.GetMeAsync()).EmailConfirmed);
        Assert.Equal(
            [admin.Id, colleague.Id],
            (await admin.Client.ListMembersAsync(workspace.Id)).Select(member => member.UserId));
        Assert.Equal(1, (await admin.Client.GetLinkAsync(workspace.Id, link.Id)).Uses);
    }

    [Fact]
    public async Task Accept_DomainRestrictedLink_VerifiedAccountOnAnotherDomain_AnswersDomainNotAllowed()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Viewer", allowedDomains: [$"team{Guid.NewGuid():N}.example"]);
        var outsider = await TestUsers.RegisterAsync(app, TestUsers.NewEmail($"elsewhere{Guid.NewGuid():N}.example"));
        outsider = await TestUsers.ConfirmEmailAsync(app, outsider);

        using var response = await outsider.Client.AcceptAsync(ApiClient.TokenOf(link));

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "invitation.domain_not_allowed");
        Assert.Empty((await outsider.Client.GetMeAsync()).Workspaces);
    }
}
