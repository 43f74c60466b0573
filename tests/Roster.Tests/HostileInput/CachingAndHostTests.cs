using System.Net;
using System.Net.Http.Json;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.HostileInput;

/// <summary>
/// Issue 11, class 6 (caching and host trust): every answer that carries or is keyed by a secret is
/// <c>Cache-Control: no-store</c> (so every dynamic answer is), and no absolute URL is ever built from the request's
/// <c>Host</c> header.
/// </summary>
public sealed class CachingAndHostTests(RosterApp app)
{
    private const string ForgedHost = "attacker.example";

    [Fact]
    public async Task InvitationPreviewAndAccept_AreNoStore()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var token = ApiClient.TokenOf(await admin.Client.CreateLinkAsync(workspace.Id, "Member"));
        var joiner = await TestUsers.RegisterAsync(app);

        using var preview = await joiner.Client.PreviewAsync(token);
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        AssertNoStore(preview);
        using var unknown = await joiner.Client.PreviewAsync("not-a-token");
        AssertNoStore(unknown);
        using var accept = await joiner.Client.AcceptAsync(token);
        await accept.EnsureSuccessAsync();
        AssertNoStore(accept);
    }

    [Fact]
    public async Task LoginAndRefresh_WhichCarryTokens_AreNoStore()
    {
        var user = await TestUsers.RegisterAsync(app);
        var client = app.CreateHttpClient();
        using var login = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password }, TestContext.Current.CancellationToken);
        await login.EnsureSuccessAsync();
        AssertNoStore(login);
        var refreshToken = (await login.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(TestContext.Current.CancellationToken)).GetProperty("refreshToken").GetString();

        using var refresh = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken }, TestContext.Current.CancellationToken);
        await refresh.EnsureSuccessAsync();
        AssertNoStore(refresh);
    }

    [Fact]
    public async Task EveryGetRouteAndPage_IsNoStore_ForAnAdmin_AndForAnyone()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var browser = await CookieSession.SignInAsync(app, admin);
        var failures = new List<string>();
        var routes = Routes.List(app.Services).Where(route => route.Method == "GET" && !route.Route.StartsWith("/api/docs", StringComparison.Ordinal)).ToList();
        foreach (var client in new[] { app.CreateHttpClient(), admin.Client, browser })
        {
            foreach (var route in routes)
            {
                using var response = await client.GetAsync(new Uri(route.Path(workspace.Id), UriKind.Relative), TestContext.Current.CancellationToken);
                if (response.Headers.CacheControl?.NoStore != true)
                {
                    failures.Add($"{route} ({(int)response.StatusCode}): Cache-Control '{response.Headers.CacheControl}'");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Theory]
    [InlineData(ForgedHost)]
    [InlineData("attacker.example:99999")]
    [InlineData("a..b")]
    [InlineData("ev~il.example")]
    public async Task TheSignInChallenge_WithAForgedHost_RedirectsOnTheSameOrigin(string host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/w/{Guid.NewGuid()}");
        Assert.True(request.Headers.TryAddWithoutValidation("Host", host));

        using var response = await app.CreateHttpClient().SendAsync(request, TestContext.Current.CancellationToken);

        // Kestrel refuses a Host that is not a valid host (400): as good as ignoring it.
        if (response.StatusCode == HttpStatusCode.BadRequest && host != ForgedHost)
        {
            Assert.Null(response.Headers.Location);
            return;
        }

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.False(location.IsAbsoluteUri, $"Location: {location}");
        Assert.StartsWith("/login?ReturnUrl=", location.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoAnswer_NamesAForgedHost_InALocationOrItsBody()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var browser = await CookieSession.SignInAsync(app, admin);
        var failures = new List<string>();
        var routes = Routes.List(app.Services).Where(route => route.Method == "GET").ToList();
        foreach (var client in new[] { app.CreateHttpClient(), browser })
        {
            foreach (var route in routes)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, route.Path(workspace.Id));
                request.Headers.Host = ForgedHost;
                using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
                var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
                if (response.Headers.Location?.OriginalString.Contains(ForgedHost, StringComparison.OrdinalIgnoreCase) == true
                    || body.Contains(ForgedHost, StringComparison.OrdinalIgnoreCase))
                {
                    failures.Add($"{route} ({(int)response.StatusCode}): {response.Headers.Location}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static void AssertNoStore(HttpResponseMessage response) =>
        Assert.True(response.Headers.CacheControl?.NoStore == true, $"{response.RequestMessage?.RequestUri}: Cache-Control '{response.Headers.CacheControl}'");
}
