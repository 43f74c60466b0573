using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Api;

public sealed class AuthApiTests(RosterApp app)
{
    [Fact]
    public async Task Login_AfterRegister_AnswersBearerTokenThatAuthenticatesMe()
    {
        var email = TestUsers.NewEmail();
        var client = app.CreateHttpClient();

        using var registered = await client.PostAsJsonAsync("/api/v1/auth/register", new { email, password = TestUsers.Password }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, registered.StatusCode);

        using var login = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = TestUsers.Password }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        using var body = JsonDocument.Parse(await login.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("Bearer", body.RootElement.GetProperty("tokenType").GetString());
        var accessToken = body.RootElement.GetProperty("accessToken").GetString();
        Assert.False(string.IsNullOrEmpty(accessToken));
        Assert.True(body.RootElement.GetProperty("expiresIn").GetInt64() > 0);
        Assert.False(string.IsNullOrEmpty(body.RootElement.GetProperty("refreshToken").GetString()));
        Assert.Empty(login.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : []);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var me = await client.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal(email, (await me.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("email").GetString());
    }

    [Fact]
    public async Task Register_SendsVerificationEmailWithConfirmPageLink()
    {
        var user = await TestUsers.RegisterAsync(app);

        var message = await app.Mailbox.WaitForMessageAsync(user.Email, TestUsers.IsVerificationEmail);

        var link = Mailbox.FirstLink(message);
        Assert.Equal(app.BaseAddress.Authority, link.Authority);
        Assert.Equal("/confirm-email", link.AbsolutePath);
        Assert.Contains($"userId={user.Id}", link.Query, StringComparison.Ordinal);
        Assert.Contains("code=", link.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_WrongPassword_AnswersUnauthorizedProblem()
    {
        var user = await TestUsers.RegisterAsync(app);
        var client = app.CreateHttpClient();

        using var login = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = "not-the-password-at-all" }, TestContext.Current.CancellationToken);

        var problem = await login.AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.failed");
        Assert.False(problem.TryGetProperty("accessToken", out _));
    }

    [Fact]
    public async Task Register_CommonPassword_AnswersBadRequestAndCreatesNoAccount()
    {
        var email = TestUsers.NewEmail();
        var client = app.CreateHttpClient();

        using var registered = await client.PostAsJsonAsync("/api/v1/auth/register", new { email, password = "baseball" }, TestContext.Current.CancellationToken);

        var problem = await registered.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("password", out _), problem.ToString());
        using var login = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = "baseball" }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
    }

    [Fact]
    public async Task GetMe_SignedIn_AnswersIdEmailNameConfirmationAndWorkspaces()
    {
        var user = await TestUsers.RegisterAsync(app);
        var workspace = await user.Client.CreateWorkspaceAsync();

        using var response = await user.Client.GetAsync(new Uri("/api/v1/me", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var me = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(
            ["email", "emailConfirmed", "id", "name", "workspaces"],
            me.EnumerateObject().Select(property => property.Name).Order(StringComparer.Ordinal));
        Assert.Equal(user.Id, me.GetProperty("id").GetGuid());
        Assert.Equal(user.Email, me.GetProperty("email").GetString());
        Assert.Equal("", me.GetProperty("name").GetString());
        Assert.False(me.GetProperty("emailConfirmed").GetBoolean());
        var listed = Assert.Single(me.GetProperty("workspaces").EnumerateArray());
        Assert.Equal(workspace.Id, listed.GetProperty("id").GetGuid());
        Assert.Equal(workspace.Name, listed.GetProperty("name").GetString());
        Assert.Equal("Admin", listed.GetProperty("permission").GetString());
        Assert.Equal(1, listed.GetProperty("memberCount").GetInt32());
    }

    [Fact]
    public async Task GetMe_NewlyRegistered_HasNoWorkspace()
    {
        var user = await TestUsers.RegisterAsync(app);

        var me = await user.Client.GetMeAsync();

        Assert.Empty(me.Workspaces);
    }

    [Fact]
    public async Task GetMe_WithoutToken_AnswersUnauthorizedProblem()
    {
        var client = app.CreateHttpClient();

        using var response = await client.GetAsync(new Uri("/api/v1/me", UriKind.Relative), TestContext.Current.CancellationToken);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.required");
    }

    [Fact]
    public async Task GetMe_WithForgedToken_AnswersUnauthorizedProblem()
    {
        var client = app.CreateHttpClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "CfDJ8-not-a-real-token");

        using var response = await client.GetAsync(new Uri("/api/v1/me", UriKind.Relative), TestContext.Current.CancellationToken);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.required");
    }

    [Fact]
    public async Task Register_EmailThatHasAnAccount_AnswersLikeANewSignUpAndTellsTheOwnerByEmail()
    {
        var owner = await TestUsers.RegisterAsync(app);
        var client = app.CreateHttpClient();

        using var response = await client.PostAsJsonAsync("/api/v1/auth/register", new { email = owner.Email, password = "another-long-password-9" }, TestContext.Current.CancellationToken);

        // Spec section 2: sign-up never reveals whether an account exists.
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        await app.Mailbox.WaitForMessageAsync(owner.Email, message => message.Subject == "You already have a Roster account");
    }
}
