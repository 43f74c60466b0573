using System.Net;
using System.Net.Http.Json;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Security;

/// <summary>A password reset ends the sessions opened with the old password: cookies and bearer tokens.</summary>
public sealed class SessionRevocationTests(RosterApp app)
{
    [Fact]
    public async Task ResetPassword_EndsTheOldCookieSessionOnItsNextRequest_AndClearsTheCookie()
    {
        var user = await TestUsers.RegisterAsync(app);
        var workspace = await user.Client.CreateWorkspaceAsync();
        user = await TestUsers.ConfirmEmailAsync(app, user);
        var browser = await CookieSession.SignInAsync(app, user);
        using (var before = await browser.GetAsync(new Uri($"/api/v1/workspaces/{workspace.Id}/access", UriKind.Relative), TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await ResetPasswordAsync(user);

        using var onWorkspace = await browser.GetAsync(new Uri($"/api/v1/workspaces/{workspace.Id}/access", UriKind.Relative), TestContext.Current.CancellationToken);
        await onWorkspace.AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.required");
        Assert.Contains(onWorkspace.Headers.GetValues("Set-Cookie"), cookie => cookie.StartsWith(".Roster.Session=;", StringComparison.Ordinal));
        using var page = await browser.GetAsync(new Uri($"/w/{workspace.Id}", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Contains("/login?ReturnUrl=", page.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResetPassword_EndsTheOldBearerTokenOnItsNextRequest()
    {
        var user = await TestUsers.RegisterAsync(app);
        // Not verified: a reset works on an unverified account as on any other (and proves its address).
        await user.Client.GetMeAsync();
        await ResetPasswordAsync(user);

        using var afterReset = await user.Client.GetAsync(new Uri("/api/v1/me", UriKind.Relative), TestContext.Current.CancellationToken);
        await afterReset.AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.required");
        var again = await TestUsers.LoginAsync(app, user.Email, "a completely new passphrase 5");
        Assert.Equal(user.Id, (await again.Client.GetMeAsync()).Id);
    }

    private async Task ResetPasswordAsync(TestUser user)
    {
        var anonymous = app.CreateHttpClient();

        using var forgot = await anonymous.PostAsJsonAsync("/api/v1/auth/forgot-password", new { email = user.Email }, TestContext.Current.CancellationToken);
        await forgot.EnsureSuccessAsync();
        var message = await app.Mailbox.WaitForMessageAsync(user.Email, m => m.Subject == "Reset your Roster password");
        var code = System.Web.HttpUtility.ParseQueryString(Mailbox.FirstLink(message).Query)["code"];
        using var reset = await anonymous.PostAsJsonAsync(
            "/api/v1/auth/reset-password", new { email = user.Email, resetCode = code, newPassword = "a completely new passphrase 5" }, TestContext.Current.CancellationToken);
        await reset.EnsureSuccessAsync();
    }
}
