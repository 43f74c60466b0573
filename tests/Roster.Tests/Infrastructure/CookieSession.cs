using System.Net;
using System.Net.Http.Json;

namespace Roster.Tests.Infrastructure;

/// <summary>A client signed in the way the dashboard is: with the session cookie, no bearer token.</summary>
public static class CookieSession
{
    public static async Task<HttpClient> SignInAsync(RosterApp app, TestUser user)
    {
        var client = app.CreateHttpClient(new CookieContainer());
        using var response = await client.PostAsJsonAsync(
            "/api/v1/auth/login?useCookies=true", new { email = user.Email, password = user.Password }, TestContext.Current.CancellationToken);
        await response.EnsureSuccessAsync();
        return client;
    }
}
