using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Roster.Features.Accounts;
using Roster.Features.Sessions;
using Roster.Infrastructure.Authorization;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Security;

/// <summary>
/// Server-side sessions (issue 7, item 4, and the refresh half of item 7): every sign-in starts a session that the cookie
/// and the bearer tokens carry; ending it (sign-out, the list, sign out of all devices, a reset, a disabled account)
/// refuses a copied cookie, an access token and a refresh token at once.
/// </summary>
public sealed class ServerSessionTests(RosterApp app)
{
    private const string ChromeOnLinux = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CookieCopiedBeforeSignOut_IsRefusedWhenReplayedAfterIt()
    {
        var user = await TestUsers.RegisterAsync(app);
        var jar = new CookieContainer();
        var browser = await SignInWithCookieAsync(jar, user);
        var copied = jar.GetCookieHeader(app.BaseAddress);
        Assert.Contains(".Roster.Session=", copied, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await StatusWithCookieAsync(copied, "/api/v1/me"));

        var logoutPage = await browser.GetStringAsync(new Uri("/logout", UriKind.Relative), Cancel);
        using (var form = new FormUrlEncodedContent(TestUsers.HiddenFields(logoutPage)))
        using (var signedOut = await browser.PostAsync(new Uri("/logout", UriKind.Relative), form, Cancel))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithCookieAsync(copied, "/api/v1/me"));
        Assert.Equal(HttpStatusCode.Redirect, await StatusWithCookieAsync(copied, "/account"));
        // Only the browser's session ended: the registration's API sign-in is another session.
        var ended = Assert.Single(await SessionsOfAsync(user.Id), session => session.EndedAt is not null);
        Assert.Equal(SessionEndReason.SignedOut, ended.EndReason);
    }

    [Fact]
    public async Task EndingASessionFromTheList_RefusesItsAccessAndRefreshTokens_AndNoOtherSession()
    {
        var user = await TestUsers.RegisterAsync(app);
        var (access, refresh) = await LoginAsync(user);
        var ended = await CurrentSessionIdAsync(Bearer(access));

        using (var deleted = await user.Client.DeleteAsync(new Uri($"/api/v1/me/sessions/{ended}", UriKind.Relative), Cancel))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        using var me = await Bearer(access).GetAsync(new Uri("/api/v1/me", UriKind.Relative), Cancel);
        await me.AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.required");
        Assert.Equal(HttpStatusCode.Unauthorized, await RefreshStatusAsync(refresh));
        Assert.Equal(user.Id, (await user.Client.GetMeAsync()).Id);
        var list = await ListAsync(user.Client);
        Assert.DoesNotContain(list.Items, item => item.Id == ended);
        Assert.Equal(SessionEndReason.Revoked, (await SessionsOfAsync(user.Id)).Single(s => s.Id == ended).EndReason);
    }

    [Fact]
    public async Task RevokeAll_EndsEverySession_CookiesBearerTokensAndRefreshTokens()
    {
        var user = await TestUsers.RegisterAsync(app);
        var (access, refresh) = await LoginAsync(user);
        var jar = new CookieContainer();
        await SignInWithCookieAsync(jar, user);
        var cookie = jar.GetCookieHeader(app.BaseAddress);

        using (var revoked = await user.Client.PostAsync(new Uri("/api/v1/me/sessions/revoke-all", UriKind.Relative), null, Cancel))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        }

        using (var me = await user.Client.GetAsync(new Uri("/api/v1/me", UriKind.Relative), Cancel))
        {
            await me.AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.required");
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(Bearer(access), "/api/v1/me"));
        Assert.Equal(HttpStatusCode.Unauthorized, await RefreshStatusAsync(refresh));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithCookieAsync(cookie, "/api/v1/me"));
        Assert.All(await SessionsOfAsync(user.Id), session => Assert.Equal(SessionEndReason.AllSignedOut, session.EndReason));
    }

    [Fact]
    public async Task Refresh_KeepsTheSession_AndTheRefreshedTokenEndsWithIt()
    {
        var user = await TestUsers.RegisterAsync(app);
        var (access, refresh) = await LoginAsync(user);
        var session = await CurrentSessionIdAsync(Bearer(access));

        var (refreshedAccess, refreshedRefresh) = await RefreshAsync(refresh);

        Assert.Equal(session, await CurrentSessionIdAsync(Bearer(refreshedAccess)));
        Assert.Equal(2, (await SessionsOfAsync(user.Id)).Count); // the registration's sign-in and this one: no third
        using (var deleted = await user.Client.DeleteAsync(new Uri($"/api/v1/me/sessions/{session}", UriKind.Relative), Cancel))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(Bearer(refreshedAccess), "/api/v1/me"));
        Assert.Equal(HttpStatusCode.Unauthorized, await RefreshStatusAsync(refreshedRefresh));
    }

    [Fact]
    public async Task Refresh_IsRefusedOnceTheAccountIsLockedOut()
    {
        var user = await TestUsers.RegisterAsync(app);
        var (_, refresh) = await LoginAsync(user);

        for (var attempt = 0; attempt < 5; attempt++)
        {
            using var wrong = await app.CreateHttpClient().PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = "not the password at all" }, Cancel);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await RefreshStatusAsync(refresh));
    }

    [Fact]
    public async Task Refresh_IsRefusedForADisabledAccount_AndItsSessionsAreEnded()
    {
        var user = await TestUsers.RegisterAsync(app);
        var (_, refresh) = await LoginAsync(user);
        Assert.Equal(HttpStatusCode.OK, await RefreshStatusAsync(refresh));

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var disabled = await scope.ServiceProvider.GetRequiredService<AccountStatusService>().DisableAsync(Actor.Operator, user.Email, Cancel);
            Assert.True(disabled.IsSuccess);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await RefreshStatusAsync(refresh));
        Assert.All(await SessionsOfAsync(user.Id), session => Assert.Equal(SessionEndReason.Disabled, session.EndReason));
    }

    [Fact]
    public async Task EverySignIn_StartsANewSession_TheCookieOfAnEarlierOneIsNotReused()
    {
        var user = await TestUsers.RegisterAsync(app);
        var jar = new CookieContainer();
        var browser = await SignInWithCookieAsync(jar, user);
        var before = jar.GetCookieHeader(app.BaseAddress);
        var first = await CurrentSessionIdAsync(browser);

        // Signing in again from the signed-in browser (with the page's antiforgery token, as the cookie requires).
        var token = TestUsers.HiddenFields(await browser.GetStringAsync(new Uri("/account/sessions", UriKind.Relative), Cancel))["__RequestVerificationToken"];
        using (var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/v1/auth/login?useCookies=true", UriKind.Relative)))
        {
            request.Headers.Add("RequestVerificationToken", token);
            request.Content = JsonContent.Create(new { email = user.Email, password = user.Password });
            using var again = await browser.SendAsync(request, Cancel);
            await again.EnsureSuccessAsync();
        }

        var second = await CurrentSessionIdAsync(browser);
        Assert.NotEqual(first, second);
        Assert.NotEqual(before, jar.GetCookieHeader(app.BaseAddress));
        var list = await ListAsync(browser);
        Assert.Contains(list.Items, item => item.Id == first && !item.Current);
        Assert.Contains(list.Items, item => item.Id == second && item.Current);
    }

    [Fact]
    public async Task TheList_ShowsTheDeviceAndThisSessionFirst_AndAnotherPersonsSessionIsNotFound()
    {
        var user = await TestUsers.RegisterAsync(app);
        var stranger = await TestUsers.RegisterAsync(app);
        var chrome = app.CreateHttpClient();
        chrome.DefaultRequestHeaders.UserAgent.ParseAdd(ChromeOnLinux);
        chrome.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TestUsers.AccessTokenAsync(chrome, user.Email));

        var list = await ListAsync(chrome);

        Assert.Equal(2, list.Items.Count);
        var current = list.Items[0];
        Assert.True(current.Current);
        Assert.Equal("Chrome on Linux", current.Device);
        Assert.Equal("127.0.0.1", current.Address);
        Assert.True(current.LastSeenAt >= current.CreatedAt);
        Assert.False(list.Items[1].Current);
        Assert.Equal(DeviceDescription.Unknown, list.Items[1].Device);
        var strangersSession = (await ListAsync(stranger.Client)).Items.Single().Id;
        using (var refused = await chrome.DeleteAsync(new Uri($"/api/v1/me/sessions/{strangersSession}", UriKind.Relative), Cancel))
        {
            await refused.AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        }

        Assert.Equal(stranger.Id, (await stranger.Client.GetMeAsync()).Id);
    }

    [Fact]
    public async Task PasswordResetOnThePage_EndsEverySession()
    {
        // Confirming first: a reset of an unverified account is its address's first proof, which ends sessions too
        // (AddressProof); here the reset itself must end them. The confirmation's own proof ended the registration's.
        var user = await TestUsers.ConfirmEmailAsync(app, await TestUsers.RegisterAsync(app));
        var jar = new CookieContainer();
        var browser = await SignInWithCookieAsync(jar, user);
        var cookie = jar.GetCookieHeader(app.BaseAddress);

        var anonymous = app.CreateHttpClient(new CookieContainer());
        var forgot = TestUsers.HiddenFields(await anonymous.GetStringAsync(new Uri("/forgot-password", UriKind.Relative), Cancel));
        forgot["Email"] = user.Email;
        using (var forgotForm = new FormUrlEncodedContent(forgot))
        using (var asked = await anonymous.PostAsync(new Uri("/forgot-password", UriKind.Relative), forgotForm, Cancel))
        {
            await asked.EnsureSuccessAsync();
        }

        var message = await app.Mailbox.WaitForMessageAsync(user.Email, m => m.Subject == "Reset your Roster password");
        var link = Mailbox.FirstLink(message).PathAndQuery;
        var reset = TestUsers.HiddenFields(await anonymous.GetStringAsync(new Uri(link, UriKind.Relative), Cancel));
        reset["Password"] = "a completely new passphrase 9";
        using (var resetForm = new FormUrlEncodedContent(reset))
        using (var changed = await anonymous.PostAsync(new Uri(link, UriKind.Relative), resetForm, Cancel))
        {
            Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        }

        var sessions = await SessionsOfAsync(user.Id);
        Assert.All(sessions, session => Assert.NotNull(session.EndedAt));
        var endedByReset = sessions.Where(session => session.EndReason != SessionEndReason.AddressProven).ToList();
        Assert.True(endedByReset.Count >= 2, "The cookie's session and the confirmed account's bearer session end with the reset.");
        Assert.All(endedByReset, session => Assert.Equal(SessionEndReason.Reset, session.EndReason));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithCookieAsync(cookie, "/api/v1/me"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(user.Client, "/api/v1/me"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(browser, "/api/v1/me"));
    }

    [Fact]
    public async Task APrincipalWithoutASession_IssuedBeforeSessionsExisted_IsRefused_AsCookieAndAsBearerToken()
    {
        var user = await TestUsers.RegisterAsync(app);
        string cookie, token;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var services = scope.ServiceProvider;
            var account = (await services.GetRequiredService<UserManager<User>>().FindByIdAsync(user.Id.ToString()))!;
            var principal = await services.GetRequiredService<IUserClaimsPrincipalFactory<User>>().CreateAsync(account);
            Assert.Null(principal.FindFirst(SessionClaims.SessionId));
            var cookieOptions = services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(IdentityConstants.ApplicationScheme);
            cookie = cookieOptions.TicketDataFormat.Protect(new AuthenticationTicket(principal, IdentityConstants.ApplicationScheme));
            var bearerOptions = services.GetRequiredService<IOptionsMonitor<BearerTokenOptions>>().Get(IdentityConstants.BearerScheme);
            var properties = new AuthenticationProperties { ExpiresUtc = DateTimeOffset.UtcNow.AddHours(1) };
            token = bearerOptions.BearerTokenProtector.Protect(new AuthenticationTicket(principal, properties, IdentityConstants.BearerScheme));
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithCookieAsync($".Roster.Session={cookie}", "/api/v1/me"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(Bearer(token), "/api/v1/me"));
        Assert.Equal(user.Id, (await user.Client.GetMeAsync()).Id);
    }

    [Fact]
    public async Task LastSeen_IsWrittenOnlyWhenOlderThanAMinute_SoAFreshSessionCostsNoSecondRoundTrip()
    {
        var user = await TestUsers.RegisterAsync(app);
        var session = await CurrentSessionIdAsync(user.Client);
        var old = DateTimeOffset.UtcNow.AddMinutes(-5);
        await app.QueryAsync(db => db.Sessions.Where(s => s.Id == session).ExecuteUpdateAsync(set => set.SetProperty(s => s.LastSeenAt, old), Cancel));

        var stale = await CommandsOfAsync(user.Client, "/api/v1/me");
        var fresh = await CommandsOfAsync(user.Client, "/api/v1/me");

        Assert.Contains(stale, command => command.Contains("UPDATE", StringComparison.OrdinalIgnoreCase) && command.Contains("LastSeenAt", StringComparison.Ordinal));
        Assert.Equal(stale.Count - 1, fresh.Count);
        Assert.DoesNotContain(fresh, command => command.Contains("UPDATE", StringComparison.OrdinalIgnoreCase));
        var lastSeen = (await SessionsOfAsync(user.Id)).Single(s => s.Id == session).LastSeenAt;
        Assert.True(lastSeen > old.AddMinutes(4), $"Last seen is still {lastSeen:O}.");
    }

    private async Task<IReadOnlyList<string>> CommandsOfAsync(HttpClient client, string path)
    {
        var id = Guid.NewGuid().ToString();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Add(CommandCounter.Header, id);
        using var response = await client.SendAsync(request, Cancel);
        await response.EnsureSuccessAsync();
        return app.Services.GetRequiredService<CommandCounter>().CommandsOf(id);
    }

    private async Task<HttpClient> SignInWithCookieAsync(CookieContainer jar, TestUser user)
    {
        var client = app.CreateHttpClient(jar);
        using var response = await client.PostAsJsonAsync("/api/v1/auth/login?useCookies=true", new { email = user.Email, password = user.Password }, Cancel);
        await response.EnsureSuccessAsync();
        return client;
    }

    /// <summary>A request that carries exactly this cookie header, from a client with no cookie jar of its own (a copy of the cookie).</summary>
    private async Task<HttpStatusCode> StatusWithCookieAsync(string cookieHeader, string path)
    {
        using var client = app.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Add("Cookie", cookieHeader);
        using var response = await client.SendAsync(request, Cancel);
        return response.StatusCode;
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), Cancel);
        return response.StatusCode;
    }

    private HttpClient Bearer(string accessToken)
    {
        var client = app.CreateHttpClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }

    private async Task<(string Access, string Refresh)> LoginAsync(TestUser user)
    {
        using var response = await app.CreateHttpClient().PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password }, Cancel);
        await response.EnsureSuccessAsync();
        var tokens = (await response.Content.ReadFromJsonAsync<Tokens>(Cancel))!;
        return (tokens.AccessToken, tokens.RefreshToken);
    }

    private async Task<HttpStatusCode> RefreshStatusAsync(string refreshToken)
    {
        using var response = await app.CreateHttpClient().PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken }, Cancel);
        return response.StatusCode;
    }

    private async Task<(string Access, string Refresh)> RefreshAsync(string refreshToken)
    {
        using var response = await app.CreateHttpClient().PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken }, Cancel);
        await response.EnsureSuccessAsync();
        var tokens = (await response.Content.ReadFromJsonAsync<Tokens>(Cancel))!;
        return (tokens.AccessToken, tokens.RefreshToken);
    }

    private static async Task<SessionListResponse> ListAsync(HttpClient client) =>
        await ApiClient.GetAsync<SessionListResponse>(client, "/api/v1/me/sessions");

    private static async Task<Guid> CurrentSessionIdAsync(HttpClient client) =>
        (await ListAsync(client)).Items.Single(item => item.Current).Id;

    private Task<List<Session>> SessionsOfAsync(Guid userId) =>
        app.QueryAsync(db => db.Sessions.AsNoTracking().Where(s => s.UserId == userId).ToListAsync(Cancel));

    private sealed record Tokens(string AccessToken, string RefreshToken);
}
