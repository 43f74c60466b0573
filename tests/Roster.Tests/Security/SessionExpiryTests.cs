using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Roster.Features.Sessions;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Security;

/// <summary>
/// Sessions expire (<see cref="Session.ExpiresAt"/>), on the app's clock (a FakeTimeProvider here): a cookie session
/// lives the cookie's lifetime and is moved on when sliding expiration renews the cookie; a bearer session lives the
/// refresh token's lifetime and is moved on by each refresh. Past it the session is neither listed
/// (<c>GET /api/v1/me/sessions</c>) nor accepted, and cannot be refreshed.
/// </summary>
public sealed class SessionExpiryTests(RosterAppWithFakeClock app) : IClassFixture<RosterAppWithFakeClock>
{
    private static readonly CancellationToken Cancel = TestContext.Current.CancellationToken;

    private TimeSpan CookieLifetime => app.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(IdentityConstants.ApplicationScheme).ExpireTimeSpan;

    private TimeSpan RefreshLifetime => app.Services.GetRequiredService<IOptionsMonitor<BearerTokenOptions>>().Get(IdentityConstants.BearerScheme).RefreshTokenExpiration;

    [Fact]
    public async Task A_cookie_session_past_its_lifetime_is_refused_and_no_longer_listed()
    {
        var user = await TestUsers.RegisterAsync(app);
        using var browser = await CookieSession.SignInAsync(app, user);
        var cookieSession = await CurrentSessionIdAsync(browser);
        var row = await SessionAsync(cookieSession);
        Assert.Equal(row.CreatedAt + CookieLifetime, row.ExpiresAt);

        app.Clock.Advance(CookieLifetime + TimeSpan.FromMinutes(1));

        using (var refused = await browser.GetAsync(new Uri("/api/v1/me", UriKind.Relative), Cancel))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        using var fresh = await CookieSession.SignInAsync(app, user);
        var listed = await ApiClient.GetAsync<SessionListResponse>(fresh, "/api/v1/me/sessions");
        Assert.DoesNotContain(listed.Items, s => s.Id == cookieSession);
        Assert.Single(listed.Items, s => s.Current);

        // Ending a session that has expired already is "no such session", as for any session that is not live.
        var bearer = await TestUsers.LoginAsync(app, user.Email);
        using var ended = await bearer.Client.DeleteAsync(new Uri($"/api/v1/me/sessions/{cookieSession}", UriKind.Relative), Cancel);
        Assert.Equal(HttpStatusCode.NotFound, ended.StatusCode);
    }

    [Fact]
    public async Task A_cookie_renewed_by_sliding_expiration_extends_its_session()
    {
        var user = await TestUsers.RegisterAsync(app);
        using var browser = await CookieSession.SignInAsync(app, user);
        var cookieSession = await CurrentSessionIdAsync(browser);
        var signedIn = (await SessionAsync(cookieSession)).ExpiresAt;

        // Past half the lifetime, a request renews the cookie; the session's expiry moves on with it.
        app.Clock.Advance(CookieLifetime / 2 + TimeSpan.FromHours(1));
        using (var renewed = await browser.GetAsync(new Uri("/api/v1/me", UriKind.Relative), Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
        }

        var extended = (await SessionAsync(cookieSession)).ExpiresAt;
        Assert.Equal(app.Clock.GetUtcNow() + CookieLifetime, extended, TimeSpan.FromSeconds(1));
        Assert.True(extended > signedIn);

        // After the first cookie would have expired, the renewed one still works and its session is listed.
        app.Clock.Advance(CookieLifetime / 2 + TimeSpan.FromHours(1));
        Assert.True(app.Clock.GetUtcNow() > signedIn);
        var listed = await ApiClient.GetAsync<SessionListResponse>(browser, "/api/v1/me/sessions");
        Assert.Contains(listed.Items, s => s.Id == cookieSession && s.Current);
    }

    [Fact]
    public async Task A_bearer_session_lives_as_long_as_its_latest_refresh_token()
    {
        var email = (await TestUsers.RegisterAsync(app)).Email;
        var client = app.CreateHttpClient();
        var tokens = await LoginAsync(client, email);
        var sessionId = await CurrentSessionIdAsync(Bearer(tokens.AccessToken));
        var first = await SessionAsync(sessionId);
        Assert.Equal(first.CreatedAt + RefreshLifetime, first.ExpiresAt);

        // A refresh before the refresh token expires moves the session's expiry to a full lifetime from now.
        app.Clock.Advance(RefreshLifetime - TimeSpan.FromDays(1));
        tokens = await RefreshAsync(client, tokens.RefreshToken);
        var extended = (await SessionAsync(sessionId)).ExpiresAt;
        Assert.Equal(app.Clock.GetUtcNow() + RefreshLifetime, extended, TimeSpan.FromSeconds(1));

        // Past the first token's lifetime, the session is still live: listed (seen from another sign-in).
        app.Clock.Advance(TimeSpan.FromDays(2));
        var other = await LoginAsync(app.CreateHttpClient(), email);
        var listed = await ApiClient.GetAsync<SessionListResponse>(Bearer(other.AccessToken), "/api/v1/me/sessions");
        Assert.Contains(listed.Items, s => s.Id == sessionId && !s.Current);

        // Past the latest refresh token's lifetime it is over: not refreshed, not listed.
        app.Clock.Advance(RefreshLifetime);
        using (var refused = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = tokens.RefreshToken }, Cancel))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        var fresh = await LoginAsync(app.CreateHttpClient(), email);
        var now = await ApiClient.GetAsync<SessionListResponse>(Bearer(fresh.AccessToken), "/api/v1/me/sessions");
        Assert.DoesNotContain(now.Items, s => s.Id == sessionId);
    }

    [Fact]
    public async Task A_session_whose_row_expired_is_refused_even_while_its_cookie_is_still_valid()
    {
        // The row decides on its own: a cookie the handler still accepts is refused once its session has expired.
        var user = await TestUsers.RegisterAsync(app);
        using var browser = await CookieSession.SignInAsync(app, user);
        var cookieSession = await CurrentSessionIdAsync(browser);
        var past = app.Clock.GetUtcNow() - TimeSpan.FromSeconds(1);
        await app.QueryAsync(db => db.Sessions.Where(s => s.Id == cookieSession).ExecuteUpdateAsync(set => set.SetProperty(s => s.ExpiresAt, past), Cancel));

        using var refused = await browser.GetAsync(new Uri("/api/v1/me", UriKind.Relative), Cancel);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    private HttpClient Bearer(string accessToken)
    {
        var client = app.CreateHttpClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }

    private static async Task<Guid> CurrentSessionIdAsync(HttpClient client) =>
        (await ApiClient.GetAsync<SessionListResponse>(client, "/api/v1/me/sessions")).Items.Single(s => s.Current).Id;

    private Task<Session> SessionAsync(Guid id) => app.QueryAsync(db => db.Sessions.AsNoTracking().SingleAsync(s => s.Id == id, Cancel));

    private static async Task<BearerTokens> LoginAsync(HttpClient client, string email)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = TestUsers.Password }, Cancel);
        await response.EnsureSuccessAsync();
        return (await response.Content.ReadFromJsonAsync<BearerTokens>(Cancel))!;
    }

    private static async Task<BearerTokens> RefreshAsync(HttpClient client, string refreshToken)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken }, Cancel);
        await response.EnsureSuccessAsync();
        return (await response.Content.ReadFromJsonAsync<BearerTokens>(Cancel))!;
    }

    private sealed record BearerTokens(string AccessToken, string RefreshToken);
}
