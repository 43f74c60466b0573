using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Roster.Features.ExternalLogins;
using Roster.Infrastructure.Data;

namespace Roster.Tests.Infrastructure;

/// <summary>
/// The app with two OpenID Connect providers configured (<see cref="Alpha"/> "Test Alpha" and <see cref="Beta"/> "Test
/// Beta"), each a real provider process of its own (two issuers), started before the app (the app's configuration names
/// their authorities). Without Node.js or the npm package the tests that use it are skipped on a developer's machine and
/// fail under CI=true (<see cref="Require"/>), as the browser tests do without Chromium.
/// </summary>
public sealed class OidcApp : RosterApp, IAsyncLifetime
{
    public const string AlphaKey = "alpha";
    public const string AlphaName = "Test Alpha";
    public const string BetaKey = "beta";
    public const string BetaName = "Test Beta";

    private string? unavailable;

    public OidcApp()
        : base(clock: null)
    {
    }

    public TestOidcProvider Alpha { get; private set; } = null!;

    public TestOidcProvider Beta { get; private set; } = null!;

    /// <summary>Skips the test (fails it under CI=true) when the providers could not start here.</summary>
    public void Require()
    {
        if (unavailable is null)
        {
            return;
        }

        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail(unavailable);
        }

        Assert.Skip(unavailable);
    }

    public new async ValueTask InitializeAsync()
    {
        unavailable = TestOidcProvider.Unavailable();
        if (unavailable is null)
        {
            Alpha = await TestOidcProvider.StartAsync("/signin-oidc-" + AlphaKey);
            Beta = await TestOidcProvider.StartAsync("/signin-oidc-" + BetaKey);
        }

        await base.InitializeAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        if (unavailable is not null)
        {
            return;
        }

        foreach (var (key, name, provider) in new[] { (AlphaKey, AlphaName, Alpha), (BetaKey, BetaName, Beta) })
        {
            var section = $"{OpenIdConnectProviders.Section}:{key}";
            builder.UseSetting($"{section}:DisplayName", name);
            builder.UseSetting($"{section}:Authority", provider.Issuer.ToString());
            builder.UseSetting($"{section}:ClientId", provider.ClientId);
            builder.UseSetting($"{section}:ClientSecret", provider.ClientSecret);
            builder.UseSetting($"{section}:RequireHttpsMetadata", "false");
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Alpha is not null)
        {
            await Alpha.DisposeAsync();
        }

        if (Beta is not null)
        {
            await Beta.DisposeAsync();
        }
    }

    /// <summary>Runs a query on the app's database.</summary>
    public async Task<T> QueryAsync<T>(Func<RosterDbContext, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<RosterDbContext>());
    }

    /// <summary>The identities linked to the account, as (issuer, subject).</summary>
    public Task<List<(string Issuer, string Subject)>> LinkedIdentitiesAsync(Guid userId) =>
        QueryAsync(async db => (await db.ExternalLogins.Where(l => l.UserId == userId).Select(l => new { l.Issuer, l.Subject }).ToListAsync())
            .Select(l => (l.Issuer, l.Subject)).ToList());
}

/// <summary>An identity the test provider is told to assert.</summary>
public sealed record ProviderAccount(string Subject, string? Email, bool EmailVerified, string? Name = null)
{
    public static ProviderAccount New(bool emailVerified = true, string? email = null) =>
        new("sub-" + Guid.NewGuid().ToString("N"), email ?? TestUsers.NewEmail(), emailVerified, "Pat Provider");
}

/// <summary>
/// One person's browser, scripted over HTTP: a cookie jar shared by Roster and the provider (both on 127.0.0.1), redirects
/// followed by hand so a test can stop at, change or replay the provider's callback.
/// </summary>
public sealed class OidcHttpBrowser : IDisposable
{
    private readonly OidcApp app;
    private readonly HttpClient http;

    public OidcHttpBrowser(OidcApp app)
    {
        this.app = app;
        http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = Cookies })
        {
            BaseAddress = app.BaseAddress,
        };
    }

    public CookieContainer Cookies { get; } = new();

    public void Dispose() => http.Dispose();

    /// <summary>
    /// Presses "Continue with &lt;provider&gt;" on <paramref name="pagePath"/> (its antiforgery token, the invitation)
    /// and follows the redirects to the provider's sign-in page; returns that page's address.
    /// </summary>
    public async Task<Uri> ContinueWithAsync(string providerKey, string pagePath = "/login", string? invite = null)
    {
        var page = await http.GetStringAsync(new Uri(pagePath, UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Contains($"name=\"provider\" value=\"{providerKey}\"", page, StringComparison.Ordinal);
        var token = TestUsers.HiddenFields(page)["__RequestVerificationToken"];
        var fields = new Dictionary<string, string> { ["provider"] = providerKey, ["__RequestVerificationToken"] = token };
        if (invite is not null)
        {
            fields["invite"] = invite;
        }

        using var form = new FormUrlEncodedContent(fields);
        using var response = await http.PostAsync(new Uri("/login/external", UriKind.Relative), form, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        var (final, status, _) = await FollowAsync(Location(response, app.BaseAddress), stopAtCallback: false);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("/interaction/", final.AbsolutePath, StringComparison.Ordinal);
        return final;
    }

    /// <summary>Signs in at the provider's page as <paramref name="account"/>; returns the callback address the provider sends the browser to (not followed).</summary>
    public async Task<Uri> SignInAtProviderAsync(Uri interaction, ProviderAccount account)
    {
        var fields = new Dictionary<string, string> { ["sub"] = account.Subject, ["email"] = account.Email ?? "", ["name"] = account.Name ?? "" };
        if (account.EmailVerified)
        {
            fields["email_verified"] = "true";
        }

        return await SubmitAtProviderAsync(new Uri(interaction, interaction.AbsolutePath + "/login"), fields);
    }

    /// <summary>Presses Cancel at the provider's page; returns the callback address (with <c>error=access_denied</c>).</summary>
    public Task<Uri> CancelAtProviderAsync(Uri interaction) =>
        SubmitAtProviderAsync(new Uri(interaction, interaction.AbsolutePath + "/abort"), []);

    /// <summary>The whole sign-in: Continue with the provider, sign in there, back to Roster; the final page.</summary>
    public async Task<(Uri Url, HttpStatusCode Status, string Body)> SignInAsync(string providerKey, ProviderAccount account, string pagePath = "/login", string? invite = null)
    {
        var callback = await SignInAtProviderAsync(await ContinueWithAsync(providerKey, pagePath, invite), account);
        return await FollowAsync(callback, stopAtCallback: false);
    }

    /// <summary>Gets the address and follows every redirect (or stops before a provider's callback into Roster).</summary>
    public async Task<(Uri Url, HttpStatusCode Status, string Body)> FollowAsync(Uri url, bool stopAtCallback)
    {
        for (var hops = 0; hops < 20; hops++)
        {
            using var response = await http.GetAsync(url, TestContext.Current.CancellationToken);
            var status = response.StatusCode;
            if ((int)status is >= 300 and < 400)
            {
                var next = Location(response, url);
                if (stopAtCallback && next.AbsolutePath.StartsWith("/signin-oidc-", StringComparison.Ordinal))
                {
                    return (next, status, "");
                }

                url = next;
                continue;
            }

            return (url, status, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }

        throw new InvalidOperationException($"Too many redirects, last {url}");
    }

    /// <summary>The account this browser is signed in to (<c>GET /api/v1/me</c> with its cookie), or null when it is not signed in.</summary>
    public async Task<Guid?> SignedInAsAsync()
    {
        using var response = await http.GetAsync(new Uri("/api/v1/me", UriKind.Relative), TestContext.Current.CancellationToken);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            return null;
        }

        await response.EnsureSuccessAsync();
        using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return body.RootElement.GetProperty("id").GetGuid();
    }

    /// <summary>Signs in with the password form of <c>/login</c>.</summary>
    public async Task SignInWithPasswordAsync(TestUser user)
    {
        using var response = await PostFormAsync("/login", "/login", new() { ["Email"] = user.Email, ["Password"] = user.Password });
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
    }

    /// <summary>Presses Link &lt;provider&gt; on <c>/account/sign-in-methods</c>; returns the provider's sign-in page.</summary>
    public async Task<Uri> LinkAsync(string providerKey)
    {
        using var response = await PostFormAsync("/account/sign-in-methods", "/account/sign-in-methods?handler=Link", new() { ["provider"] = providerKey });
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        var (interaction, status, _) = await FollowAsync(Location(response, app.BaseAddress), stopAtCallback: false);
        Assert.Equal(HttpStatusCode.OK, status);
        return interaction;
    }

    /// <summary>A page of Roster with this browser's cookies.</summary>
    public Task<HttpResponseMessage> GetAsync(string path) => http.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);

    /// <summary>Posts a form of the page at <paramref name="pagePath"/> (its antiforgery token) with the fields given.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string pagePath, string action, Dictionary<string, string> fields)
    {
        var page = await http.GetStringAsync(new Uri(pagePath, UriKind.Relative), TestContext.Current.CancellationToken);
        fields["__RequestVerificationToken"] = TestUsers.HiddenFields(page)["__RequestVerificationToken"];
        using var form = new FormUrlEncodedContent(fields);
        return await http.PostAsync(new Uri(action, UriKind.Relative), form, TestContext.Current.CancellationToken);
    }

    /// <summary>Removes the cookies whose name starts so (a test that takes away the nonce or the correlation cookie).</summary>
    public void ForgetCookies(string namePrefix)
    {
        foreach (Cookie cookie in Cookies.GetAllCookies())
        {
            if (cookie.Name.StartsWith(namePrefix, StringComparison.Ordinal))
            {
                cookie.Expired = true;
            }
        }
    }

    private async Task<Uri> SubmitAtProviderAsync(Uri action, Dictionary<string, string> fields)
    {
        using var form = new FormUrlEncodedContent(fields);
        using var response = await http.PostAsync(action, form, TestContext.Current.CancellationToken);
        Assert.True((int)response.StatusCode is >= 300 and < 400, $"The provider answered {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var (callback, _, body) = await FollowAsync(Location(response, action), stopAtCallback: true);
        Assert.True(callback.AbsolutePath.StartsWith("/signin-oidc-", StringComparison.Ordinal), $"Not sent back to Roster but to {callback}: {body}");
        return callback;
    }

    private static Uri Location(HttpResponseMessage response, Uri current) =>
        new(current, response.Headers.Location ?? throw new InvalidOperationException($"A {response.StatusCode} without a Location from {current}"));
}
