using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Roster.Features.Audit;
using Roster.Infrastructure.Authorization;
using Roster.Pages.Account;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Operator;

/// <summary>
/// <c>users disable</c>, <c>users enable</c>, <c>users list</c> and <c>users sign-ins</c> as a real process: a disabled
/// account's cookie, bearer and refresh tokens are refused on their next request, and it cannot sign in on any path.
/// </summary>
public sealed class DisabledAccountTests(RosterApp app)
{
    private const string DisabledMessage = "This account is disabled.";

    [Fact]
    public async Task Disable_RefusesTheAccountsSessionsAtOnce_AndEverySignIn_UntilEnabled()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var user = await TestUsers.RegisterAsync(app);
        var workspace = await user.Client.CreateWorkspaceAsync();
        var apiBrowser = await CookieSession.SignInAsync(app, user);
        var pageBrowser = await CookieSession.SignInAsync(app, user);
        var refreshToken = await RefreshTokenAsync(user);
        using (var before = await apiBrowser.GetAsync(new Uri($"/api/v1/workspaces/{workspace.Id}/access", UriKind.Relative), cancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        var disable = await RosterCommand.RunAsync(app, "users", "disable", user.Email.ToUpperInvariant());
        Assert.True(disable.ExitCode == 0, disable.ToString());
        Assert.Contains($"{user.Email} is disabled", disable.Out, StringComparison.Ordinal);
        var listing = RosterCommand.RunAsync(app, "users", "list"); // Meanwhile (a process takes a while to start).

        // The sessions it had: the cookie on the API and on a page, the bearer token, the refresh token.
        using (var cookieApi = await apiBrowser.GetAsync(new Uri($"/api/v1/workspaces/{workspace.Id}/access", UriKind.Relative), cancellationToken))
        {
            await cookieApi.AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.required");
        }

        using (var cookiePage = await pageBrowser.GetAsync(new Uri($"/w/{workspace.Id}", UriKind.Relative), cancellationToken))
        {
            Assert.Equal(HttpStatusCode.Redirect, cookiePage.StatusCode);
            Assert.Contains("/login?ReturnUrl=", cookiePage.Headers.Location!.OriginalString, StringComparison.Ordinal);
        }

        foreach (var path in new[] { "/api/v1/me", $"/api/v1/workspaces/{workspace.Id}" })
        {
            using var bearer = await user.Client.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
            await bearer.AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.required");
        }

        using (var refresh = await app.CreateHttpClient().PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken }, cancellationToken))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refresh.StatusCode);
        }

        // Signing in: the right password fails exactly as a wrong one does (a disabled account does not confirm a guessed
        // password, and tells no one the account exists); the operator tells its owner why.
        string rightBody;
        using (var apiLogin = await LoginApiAsync(user.Email, user.Password))
        {
            rightBody = Security.RevealNothingTests.WithoutTraceId(await apiLogin.AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.failed"));
        }

        using (var wrongPassword = await LoginApiAsync(user.Email, "not the password at all"))
        {
            var body = await wrongPassword.AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.failed");
            Assert.Equal(rightBody, Security.RevealNothingTests.WithoutTraceId(body));
            Assert.DoesNotContain("disabled", body.ToString(), StringComparison.OrdinalIgnoreCase);
        }

        var (status, page) = await LoginPageAsync(user.Email, user.Password);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(LoginModel.FailureMessage, page, StringComparison.Ordinal);
        Assert.DoesNotContain(DisabledMessage, page, StringComparison.Ordinal);
        (status, page) = await LoginPageAsync(user.Email, "not the password at all");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(LoginModel.FailureMessage, page, StringComparison.Ordinal);
        Assert.DoesNotContain(DisabledMessage, page, StringComparison.Ordinal);

        // Signing up again with the account's address: the answer every sign-up gets, and no session.
        (status, page) = await PostPageAsync("/signup", new() { ["Name"] = "Again", ["Email"] = user.Email, ["Password"] = user.Password });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Check your email to finish", page, StringComparison.Ordinal);
        Assert.DoesNotContain(DisabledMessage, page, StringComparison.Ordinal);

        var list = await listing;
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Equal(["EMAIL", "NAME", "CREATED (UTC)", "STATUS", "WORKSPACES"], list.Row("EMAIL"));
        var row = list.Row(user.Email);
        Assert.StartsWith("disabled 20", row[3], StringComparison.Ordinal);
        Assert.Equal("1", row[4]);

        var enable = await RosterCommand.RunAsync(app, "users", "enable", user.Email);
        Assert.True(enable.ExitCode == 0, enable.ToString());
        Assert.Contains($"{user.Email} is enabled", enable.Out, StringComparison.Ordinal);

        // It signs in again on both paths; the tokens ended by the disabling stay ended.
        var again = await TestUsers.LoginAsync(app, user.Email);
        Assert.Equal(user.Id, (await again.Client.GetMeAsync()).Id);
        (status, page) = await LoginPageAsync(user.Email, user.Password);
        Assert.True(status == HttpStatusCode.Redirect, page);
        using (var oldBearer = await user.Client.GetAsync(new Uri("/api/v1/me", UriKind.Relative), cancellationToken))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, oldBearer.StatusCode);
        }

        var entries = await app.QueryAsync(db => db.AuditEntries.AsNoTracking()
            .Where(e => e.AccountId == user.Id && e.ActorType == AuditActorType.Operator)
            .OrderBy(e => e.OccurredAt).Select(e => e.Action).ToListAsync(cancellationToken));
        Assert.Equal([AuditActions.AccountDisabled, AuditActions.AccountEnabled], entries);
    }

    [Fact]
    public async Task A_disabled_account_that_confirms_its_email_on_the_page_is_not_signed_in_and_joins_nothing()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var user = await TestUsers.RegisterAsync(app);
        var disable = await RosterCommand.RunAsync(app, "users", "disable", user.Email);
        Assert.True(disable.ExitCode == 0, disable.ToString());

        var link = Mailbox.FirstLink(await app.Mailbox.WaitForMessageAsync(user.Email, TestUsers.IsVerificationEmail));
        var browser = app.CreateHttpClient(new CookieContainer());
        var form = TestUsers.HiddenFields(await browser.GetStringAsync(new Uri(link.PathAndQuery, UriKind.Relative), cancellationToken));
        form["Password"] = user.Password; // Another browser than the one that signed up (the API) shows the password.
        using (var confirmed = await browser.PostAsync(new Uri(link.PathAndQuery, UriKind.Relative), new FormUrlEncodedContent(form), cancellationToken))
        {
            Assert.True(confirmed.StatusCode is HttpStatusCode.OK, $"Confirming answered {confirmed.StatusCode}.");
        }

        Assert.Equal(0, await app.QueryAsync(db => db.Sessions.CountAsync(session => session.UserId == user.Id && session.EndedAt == null, cancellationToken)));
        Assert.Equal(0, await app.QueryAsync(db => db.Memberships.CountAsync(membership => membership.UserId == user.Id, cancellationToken)));
    }

    [Fact]
    public async Task SignIns_ListsTheAccountsOwnSignInEvents_NewestFirst_AndUnknownEmailsFail()
    {
        var user = await TestUsers.RegisterAsync(app);
        var other = await TestUsers.RegisterAsync(app);

        // After the real sign-ins that registering made (recorded too), so these are the newest.
        var now = DateTimeOffset.UtcNow.AddHours(1);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var audit = scope.ServiceProvider.GetRequiredService<AuditLog>();
            var anonymous = new Actor(null, null, "203.0.113.7");
            audit.Add(anonymous, null, AuditActions.SignInFailed, null, outcome: AuditOutcome.Refused, reason: "auth.failed", accountId: user.Id, at: now.AddMinutes(-30));
            audit.Add(anonymous, null, AuditActions.SignInLockedOut, null, outcome: AuditOutcome.Refused, reason: "auth.locked_out", accountId: user.Id, at: now.AddMinutes(-20));
            audit.Add(Actor.ForUser(user.Id, "198.51.100.4"), null, AuditActions.SignInSucceeded, null, accountId: user.Id, at: now.AddMinutes(-10));
            audit.Add(Actor.Operator, null, AuditActions.AccountDisabled, null, accountId: user.Id, at: now.AddMinutes(-5));
            audit.Add(Actor.ForUser(other.Id, "192.0.2.1"), null, AuditActions.SignInSucceeded, null, accountId: other.Id, at: now);
            await scope.ServiceProvider.GetRequiredService<Roster.Infrastructure.Data.RosterDbContext>().SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        var runs = await Task.WhenAll(
            RosterCommand.RunAsync(app, "users", "sign-ins", user.Email, "--limit", "2"),
            RosterCommand.RunAsync(app, "users", "sign-ins", TestUsers.NewEmail()),
            RosterCommand.RunAsync(app, "users", "disable", TestUsers.NewEmail()));

        var signIns = runs[0];
        Assert.True(signIns.ExitCode == 0, signIns.ToString());
        var lines = signIns.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Equal(["TIME (UTC)", "EVENT", "OUTCOME", "REASON", "CLIENT ADDRESS"], signIns.Row("TIME (UTC)"));
        Assert.Equal(
            [AuditActions.SignInSucceeded, AuditActions.SignInLockedOut],
            lines[1..].Select(line => System.Text.RegularExpressions.Regex.Split(line, " {2,}")[1]));
        Assert.Contains("198.51.100.4", lines[1], StringComparison.Ordinal);
        Assert.Contains("refused  auth.locked_out  203.0.113.7", lines[2], StringComparison.Ordinal);

        foreach (var unknown in runs[1..])
        {
            Assert.True(unknown.ExitCode == 1, unknown.ToString());
            Assert.Contains("No account has the email address", unknown.Error, StringComparison.Ordinal);
        }
    }

    private async Task<HttpResponseMessage> LoginApiAsync(string email, string password) =>
        await app.CreateHttpClient().PostAsJsonAsync("/api/v1/auth/login", new { email, password }, TestContext.Current.CancellationToken);

    private async Task<string> RefreshTokenAsync(TestUser user)
    {
        using var login = await LoginApiAsync(user.Email, user.Password);
        await login.EnsureSuccessAsync();
        using var body = JsonDocument.Parse(await login.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return body.RootElement.GetProperty("refreshToken").GetString()!;
    }

    private Task<(HttpStatusCode Status, string Page)> LoginPageAsync(string email, string password) =>
        PostPageAsync("/login", new() { ["Email"] = email, ["Password"] = password });

    /// <summary>Posts a page's form as a browser would (with its antiforgery token): the status and the page, decoded.</summary>
    private async Task<(HttpStatusCode Status, string Page)> PostPageAsync(string path, Dictionary<string, string> fields)
    {
        var browser = app.CreateHttpClient(new CookieContainer());
        var form = TestUsers.HiddenFields(await browser.GetStringAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken));
        foreach (var (name, value) in fields)
        {
            form[name] = value;
        }

        using var content = new FormUrlEncodedContent(form);
        using var response = await browser.PostAsync(new Uri(path, UriKind.Relative), content, TestContext.Current.CancellationToken);
        return (response.StatusCode, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)));
    }
}
