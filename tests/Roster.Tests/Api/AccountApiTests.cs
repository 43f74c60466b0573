using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Roster.Features.Accounts;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Api;

/// <summary>
/// Roster's own account API (issue 7 item 6): what Identity's <c>MapIdentityApi</c> offered and Roster does not support is
/// gone, confirmation is a POST, and the API applies the pages' rules (a reset clears the lockout and works on an
/// unverified account; a locked or disabled account cannot refresh).
/// </summary>
public sealed class AccountApiTests(RosterApp app)
{
    private static readonly CancellationToken Cancel = TestContext.Current.CancellationToken;

    [Fact]
    public async Task IdentitysManageRoutes_AndTheConfirmationGet_AreGone_AndChangeNothing()
    {
        var user = await TestUsers.RegisterAsync(app);
        var code = await CodeAsync(user.Email, (users, account) => users.GenerateEmailConfirmationTokenAsync(account));

        using var twoFactor = await user.Client.PostAsJsonAsync("/api/v1/auth/manage/2fa", new { enable = true }, Cancel);
        using var info = await user.Client.GetAsync(new Uri("/api/v1/auth/manage/info", UriKind.Relative), Cancel);
        using var changeEmail = await user.Client.PostAsJsonAsync("/api/v1/auth/manage/info", new { newEmail = TestUsers.NewEmail() }, Cancel);
        using var confirmByGet = await user.Client.GetAsync(new Uri($"/api/v1/auth/confirmEmail?userId={user.Id}&code={code}", UriKind.Relative), Cancel);
        using var confirmByGetNewRoute = await user.Client.GetAsync(new Uri($"/api/v1/auth/confirm-email?userId={user.Id}&code={code}", UriKind.Relative), Cancel);

        await twoFactor.AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await info.AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await changeEmail.AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await confirmByGet.AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await confirmByGetNewRoute.AssertProblemAsync(HttpStatusCode.MethodNotAllowed, "method_not_allowed");
        var stored = await app.FindUserAsync(user.Email);
        Assert.False(stored.EmailConfirmed);
        Assert.False(stored.TwoFactorEnabled);
        Assert.Equal(user.Email, stored.Email);
    }

    [Fact]
    public async Task TheOpenApiDocument_DescribesEveryAuthRoute_AndNoManageRoute()
    {
        using var document = JsonDocument.Parse(await app.CreateHttpClient().GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative), Cancel));
        var paths = document.RootElement.GetProperty("paths").EnumerateObject().Select(path => path.Name).Where(path => path.StartsWith("/api/v1/auth/", StringComparison.Ordinal)).Order().ToList();

        Assert.Equal(
            ["/api/v1/auth/confirm-email", "/api/v1/auth/email-code", "/api/v1/auth/email-code/verify", "/api/v1/auth/forgot-password", "/api/v1/auth/login", "/api/v1/auth/logout", "/api/v1/auth/refresh",
             "/api/v1/auth/register", "/api/v1/auth/resend-confirmation", "/api/v1/auth/reset-password"],
            paths);
    }

    [Theory]
    [InlineData("not-a-guid")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    [InlineData("known user, wrong code")]
    public async Task ConfirmEmail_AnUnknownOrMalformedUserOrAWrongCode_Answers400WithOneCode_Never500(string userId)
    {
        var user = await TestUsers.RegisterAsync(app);
        var id = userId == "known user, wrong code" ? user.Id.ToString() : userId;

        using var response = await app.CreateHttpClient().PostAsJsonAsync("/api/v1/auth/confirm-email", new { userId = id, code = "bm90LWEtY29kZQ" }, Cancel);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "auth.invalid_confirmation");
        Assert.Equal(AccountService.InvalidConfirmation.Message, problem.GetProperty("title").GetString());
        Assert.False((await app.FindUserAsync(user.Email)).EmailConfirmed);
    }

    [Fact]
    public async Task ConfirmEmail_WithTheEmailedCode_VerifiesTheAddress_AndEndsTheTokensFromBefore()
    {
        var user = await TestUsers.RegisterAsync(app);

        var again = await TestUsers.ConfirmEmailAsync(app, user);

        Assert.True((await again.Client.GetMeAsync()).EmailConfirmed);
        using var old = await user.Client.GetAsync(new Uri("/api/v1/me", UriKind.Relative), Cancel);
        await old.AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.required");
    }

    [Fact]
    public async Task ResetPassword_ThroughTheApi_ClearsTheLockout_AndWorksOnAnUnverifiedAccount()
    {
        var user = await TestUsers.RegisterAsync(app);
        var client = app.CreateHttpClient();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            using var wrong = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = "not the password at all" }, Cancel);
            await wrong.AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.failed");
        }

        using (var locked = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password }, Cancel))
        {
            await locked.AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.failed");
        }

        using (var forgot = await client.PostAsJsonAsync("/api/v1/auth/forgot-password", new { email = user.Email }, Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, forgot.StatusCode);
        }

        var message = await app.Mailbox.WaitForMessageAsync(user.Email, m => m.Subject == "Reset your Roster password");
        var code = System.Web.HttpUtility.ParseQueryString(Mailbox.FirstLink(message).Query)["code"];
        using (var reset = await client.PostAsJsonAsync("/api/v1/auth/reset-password", new { email = user.Email, resetCode = code, newPassword = "a fresh passphrase 81" }, Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        }

        var signedIn = await TestUsers.LoginAsync(app, user.Email, "a fresh passphrase 81");
        Assert.True((await signedIn.Client.GetMeAsync()).EmailConfirmed);
        var stored = await app.FindUserAsync(user.Email);
        Assert.Equal(0, stored.AccessFailedCount);
        Assert.Null(stored.LockoutEnd);

        // The code worked once.
        using var twice = await client.PostAsJsonAsync("/api/v1/auth/reset-password", new { email = user.Email, resetCode = code, newPassword = "another passphrase 82" }, Cancel);
        await twice.AssertProblemAsync(HttpStatusCode.BadRequest, "auth.invalid_reset_code");
    }

    [Fact]
    public async Task ResetPassword_UnknownAddressAndWrongCode_AnswerTheSame()
    {
        var user = await TestUsers.RegisterAsync(app);
        var client = app.CreateHttpClient();

        using var unknown = await client.PostAsJsonAsync("/api/v1/auth/reset-password", new { email = TestUsers.NewEmail(), resetCode = "bm9wZQ", newPassword = "a fresh passphrase 81" }, Cancel);
        using var wrong = await client.PostAsJsonAsync("/api/v1/auth/reset-password", new { email = user.Email, resetCode = "bm9wZQ", newPassword = "a fresh passphrase 81" }, Cancel);

        var unknownBody = await unknown.AssertProblemAsync(HttpStatusCode.BadRequest, "auth.invalid_reset_code");
        var wrongBody = await wrong.AssertProblemAsync(HttpStatusCode.BadRequest, "auth.invalid_reset_code");
        Assert.Equal(Security.RevealNothingTests.WithoutTraceId(unknownBody), Security.RevealNothingTests.WithoutTraceId(wrongBody));
    }

    [Fact]
    public async Task Refresh_GivesNewTokens_ButNotToALockedOutOrDisabledAccount()
    {
        var user = await TestUsers.RegisterAsync(app);
        var client = app.CreateHttpClient();
        var first = await LoginAsync(client, user.Email, user.Password);

        using (var refreshed = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = first.RefreshToken }, Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
            var tokens = await refreshed.Content.ReadFromJsonAsync<Tokens>(Cancel);
            Assert.False(string.IsNullOrEmpty(tokens!.AccessToken));
        }

        for (var attempt = 0; attempt < 5; attempt++)
        {
            using var wrong = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = "not the password at all" }, Cancel);
        }

        using (var locked = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = first.RefreshToken }, Cancel))
        {
            await locked.AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.required");
        }

        var other = await TestUsers.RegisterAsync(app);
        var otherTokens = await LoginAsync(client, other.Email, other.Password);
        await app.QueryAsync(db => db.Users.Where(u => u.Id == other.Id).ExecuteUpdateAsync(set => set.SetProperty(u => u.DisabledAt, DateTimeOffset.UtcNow), Cancel));
        using var disabled = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = otherTokens.RefreshToken }, Cancel);
        await disabled.AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.required");
    }

    [Fact]
    public async Task Logout_WithABearerToken_Answers204()
    {
        var user = await TestUsers.RegisterAsync(app);

        using var response = await user.Client.PostAsJsonAsync("/api/v1/auth/logout", new { }, Cancel);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task Register_WithAName_KeepsIt()
    {
        var email = TestUsers.NewEmail();
        using var registered = await app.CreateHttpClient().PostAsJsonAsync("/api/v1/auth/register", new { email, password = TestUsers.Password, name = "  Nia Named " }, Cancel);

        Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        Assert.Equal("Nia Named", (await app.FindUserAsync(email)).Name);
    }

    private async Task<string> CodeAsync(string email, Func<UserManager<User>, User, Task<string>> generate)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<User>>();
        return AccountEmails.Encode(await generate(users, (await users.FindByEmailAsync(email))!));
    }

    private static async Task<Tokens> LoginAsync(HttpClient client, string email, string password)
    {
        using var login = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password }, Cancel);
        await login.EnsureSuccessAsync();
        return (await login.Content.ReadFromJsonAsync<Tokens>(Cancel))!;
    }

    private sealed record Tokens(string AccessToken, string RefreshToken);
}
