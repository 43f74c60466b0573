using System.Net;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Api;

/// <summary>Expiry, on an app whose clock the tests move. Each test signs in again after moving it.</summary>
public sealed class InvitationExpiryTests(RosterAppWithFakeClock app) : IClassFixture<RosterAppWithFakeClock>
{
    [Fact]
    public async Task Preview_EightDaysAfterCreationWithDefaultExpiry_AnswersGoneExpired()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var createdAt = app.Clock.GetUtcNow();
        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Member");
        var token = ApiClient.TokenOf(link);
        var anonymous = app.CreateHttpClient();
        Assert.Equal(createdAt.AddDays(7), link.ExpiresAt);

        app.Clock.Advance(TimeSpan.FromDays(6));
        using var sixDaysLater = await anonymous.PreviewAsync(token);
        app.Clock.Advance(TimeSpan.FromDays(2));
        using var eightDaysLater = await anonymous.PreviewAsync(token);

        Assert.Equal(HttpStatusCode.OK, sixDaysLater.StatusCode);
        var problem = await eightDaysLater.AssertProblemAsync(HttpStatusCode.Gone, "invitation.expired");
        Assert.DoesNotContain(workspace.Name, problem.ToString(), StringComparison.Ordinal);
        var again = await TestUsers.LoginAsync(app, admin.Email);
        Assert.Equal("expired", (await again.Client.GetLinkAsync(workspace.Id, link.Id)).Status);
    }

    [Fact]
    public async Task Accept_AfterExpiry_AnswersGoneExpiredAndJoinsNobody()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Member", expiresInDays: 1);
        var joiner = await TestUsers.RegisterAsync(app);

        app.Clock.Advance(TimeSpan.FromDays(1));
        var joinerAgain = await TestUsers.LoginAsync(app, joiner.Email);
        using var response = await joinerAgain.Client.AcceptAsync(ApiClient.TokenOf(link));

        await response.AssertProblemAsync(HttpStatusCode.Gone, "invitation.expired");
        var adminAgain = await TestUsers.LoginAsync(app, admin.Email);
        Assert.Single(await adminAgain.Client.ListMembersAsync(workspace.Id));
        Assert.Equal(0, (await adminAgain.Client.GetLinkAsync(workspace.Id, link.Id)).Uses);
        Assert.Empty((await joinerAgain.Client.GetMeAsync()).Workspaces);
    }

    [Fact]
    public async Task Accept_JustBeforeExpiry_Joins()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Viewer", expiresInDays: 1);
        var joiner = await TestUsers.RegisterAsync(app);

        app.Clock.Advance(TimeSpan.FromDays(1) - TimeSpan.FromSeconds(1));
        var joinerAgain = await TestUsers.LoginAsync(app, joiner.Email);
        using var response = await joinerAgain.Client.AcceptAsync(ApiClient.TokenOf(link));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Viewer", Assert.Single((await joinerAgain.Client.GetMeAsync()).Workspaces).Permission);
    }

    [Fact]
    public async Task Create_ThirtyDayExpiry_IsStillActiveAfterTwentyNineDays()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var createdAt = app.Clock.GetUtcNow();
        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Member", expiresInDays: 30);

        app.Clock.Advance(TimeSpan.FromDays(29));
        using var response = await app.CreateHttpClient().PreviewAsync(ApiClient.TokenOf(link));

        Assert.Equal(createdAt.AddDays(30), link.ExpiresAt);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
