using System.Net;
using System.Net.Http.Json;
using Roster.Features.Workspaces;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Security;

/// <summary>The dashboard's cookie also works on the API, so unsafe API calls that ride on it need an antiforgery token.</summary>
public sealed class AntiforgeryTests(RosterApp app)
{
    [Fact]
    public async Task CreateWorkspace_CookieWithoutAntiforgeryToken_AnswersBadRequestAndCreatesNothing()
    {
        var user = await TestUsers.RegisterAsync(app);
        var browser = await CookieSession.SignInAsync(app, user);

        using var response = await browser.PostAsJsonAsync("/api/v1/workspaces", new { name = "Forged" }, TestContext.Current.CancellationToken);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "antiforgery.invalid");
        // The cookie itself is accepted: the refusal is about the missing token, not the sign-in.
        Assert.Equal(user.Id, (await browser.GetMeAsync()).Id);
        Assert.Empty(await ApiClient.GetAsync<List<WorkspaceResponse>>(browser, "/api/v1/workspaces"));
    }

    [Fact]
    public async Task AcceptInvitation_CookieWithoutAntiforgeryToken_AnswersBadRequestAndJoinsNobody()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Member");
        var user = await TestUsers.RegisterAsync(app);
        var browser = await CookieSession.SignInAsync(app, user);

        using var response = await browser.AcceptAsync(ApiClient.TokenOf(link));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "antiforgery.invalid");
        Assert.Equal(0, (await admin.Client.GetLinkAsync(workspace.Id, link.Id)).Uses);
        Assert.Empty((await user.Client.GetMeAsync()).Workspaces);
    }

    [Fact]
    public async Task CreateWorkspace_CookieWithThePagesAntiforgeryToken_Succeeds()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var adminsWorkspace = await admin.Client.CreateWorkspaceAsync();
        var link = await admin.Client.CreateLinkAsync(adminsWorkspace.Id, "Member");
        var user = await TestUsers.RegisterAsync(app);
        var browser = await CookieSession.SignInAsync(app, user);
        // Any page with a form hands the signed-in browser a token; the invitation page has one.
        var page = await browser.GetStringAsync(new Uri(link.Url), TestContext.Current.CancellationToken);
        var antiforgeryToken = TestUsers.HiddenFields(page)["__RequestVerificationToken"];

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/workspaces") { Content = JsonContent.Create(new { name = "With token" }) };
        request.Headers.Add("RequestVerificationToken", antiforgeryToken);
        using var response = await browser.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("With token", Assert.Single((await user.Client.GetMeAsync()).Workspaces).Name);
    }
}
