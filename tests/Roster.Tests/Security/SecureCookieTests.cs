using System.Net;
using System.Net.Http.Json;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Security;

/// <summary>
/// The session cookie (issue 7, item 4): <c>HttpOnly</c> and <c>SameSite=Lax</c> always; under HTTPS also <c>Secure</c>,
/// <c>Path=/</c> and the <c>__Host-</c> prefix (RFC 6265bis), which plain http does not allow. HTTPS here is what a
/// trusted proxy says in <c>X-Forwarded-Proto</c>, as behind a TLS-terminating load balancer. The antiforgery cookie
/// likewise (<c>HostPrefixedAntiforgeryCookie</c>): <c>__Host-</c>, <c>Secure</c>, <c>Path=/</c> under HTTPS, its plain
/// name over http, and a form posts with it either way.
/// </summary>
public sealed class SecureCookieTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task UnderHttps_TheSessionCookieIsHostPrefixedSecureHttpOnlyAndLax_AndOnlyThatNameIsRead()
    {
        await using var app = await IsolatedApp.StartAsync(new Dictionary<string, string> { ["Roster:TrustedProxies:0"] = "127.0.0.1" }, kestrel: true);
        app.ClientOptions.HandleCookies = false; // each request carries exactly the cookie the test gives it
        app.ClientOptions.AllowAutoRedirect = false;
        using var client = app.CreateClient();
        var email = TestUsers.NewEmail();
        using (var registered = await SendAsync(client, HttpMethod.Post, "/api/v1/auth/register", https: true, json: new { email, password = TestUsers.Password }))
        {
            await registered.EnsureSuccessAsync();
        }

        using var login = await SendAsync(client, HttpMethod.Post, "/api/v1/auth/login?useCookies=true", https: true, json: new { email, password = TestUsers.Password });
        await login.EnsureSuccessAsync();

        var setCookie = Assert.Single(login.Headers.GetValues("Set-Cookie"), header => header.Contains(".Roster.Session=", StringComparison.Ordinal));
        Assert.StartsWith("__Host-.Roster.Session=", setCookie, StringComparison.Ordinal);
        var attributes = setCookie.Split(';').Skip(1).Select(attribute => attribute.Trim().ToLowerInvariant()).ToList();
        Assert.Contains("secure", attributes);
        Assert.Contains("httponly", attributes);
        Assert.Contains("samesite=lax", attributes);
        Assert.Contains("path=/", attributes);
        Assert.DoesNotContain(attributes, attribute => attribute.StartsWith("domain=", StringComparison.Ordinal));

        var cookie = setCookie.Split(';')[0];
        using (var me = await SendAsync(client, HttpMethod.Get, "/api/v1/me", https: true, cookie: cookie))
        {
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        }

        // The same value under the plain name is not the session cookie of an HTTPS request.
        var plain = cookie["__Host-".Length..];
        using (var unprefixed = await SendAsync(client, HttpMethod.Get, "/api/v1/me", https: true, cookie: plain))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, unprefixed.StatusCode);
        }

        // An unsafe API call riding on the prefixed cookie still needs the antiforgery token.
        using var forged = await SendAsync(client, HttpMethod.Post, "/api/v1/workspaces", https: true, cookie: cookie, json: new { name = "Forged" });
        await forged.AssertProblemAsync(HttpStatusCode.BadRequest, "antiforgery.invalid");
    }

    [Fact]
    public async Task UnderPlainHttp_TheSessionCookieKeepsItsPlainName_HttpOnlyAndLax_WithoutSecure()
    {
        await using var app = await IsolatedApp.StartAsync(new Dictionary<string, string>(), kestrel: true);
        app.ClientOptions.HandleCookies = false; // each request carries exactly the cookie the test gives it
        app.ClientOptions.AllowAutoRedirect = false;
        using var client = app.CreateClient();
        var email = TestUsers.NewEmail();
        using (var registered = await SendAsync(client, HttpMethod.Post, "/api/v1/auth/register", https: false, json: new { email, password = TestUsers.Password }))
        {
            await registered.EnsureSuccessAsync();
        }

        using var login = await SendAsync(client, HttpMethod.Post, "/api/v1/auth/login?useCookies=true", https: false, json: new { email, password = TestUsers.Password });
        await login.EnsureSuccessAsync();

        var setCookie = Assert.Single(login.Headers.GetValues("Set-Cookie"), header => header.Contains(".Roster.Session=", StringComparison.Ordinal));
        Assert.StartsWith(".Roster.Session=", setCookie, StringComparison.Ordinal);
        var attributes = setCookie.Split(';').Skip(1).Select(attribute => attribute.Trim().ToLowerInvariant()).ToList();
        Assert.Contains("httponly", attributes);
        Assert.Contains("samesite=lax", attributes);
        Assert.DoesNotContain("secure", attributes);
    }

    [Fact]
    public async Task UnderHttps_TheAntiforgeryCookieIsHostPrefixedSecureHttpOnlyAndStrict_AndAFormPostsWithIt()
    {
        await using var app = await IsolatedApp.StartAsync(new Dictionary<string, string> { ["Roster:TrustedProxies:0"] = "127.0.0.1" }, kestrel: true);
        app.ClientOptions.HandleCookies = false; // each request carries exactly the cookie the test gives it
        app.ClientOptions.AllowAutoRedirect = false;
        using var client = app.CreateClient();

        using var form = await SendAsync(client, HttpMethod.Get, "/forgot-password", https: true);
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        var setCookie = Assert.Single(form.Headers.GetValues("Set-Cookie"), header => header.Contains(".Roster.Antiforgery=", StringComparison.Ordinal));
        Assert.StartsWith("__Host-.Roster.Antiforgery=", setCookie, StringComparison.Ordinal);
        var attributes = setCookie.Split(';').Skip(1).Select(attribute => attribute.Trim().ToLowerInvariant()).ToList();
        Assert.Contains("secure", attributes);
        Assert.Contains("httponly", attributes);
        Assert.Contains("path=/", attributes);
        Assert.Contains(attributes, attribute => attribute is "samesite=strict" or "samesite=lax");
        Assert.DoesNotContain(attributes, attribute => attribute.StartsWith("domain=", StringComparison.Ordinal));

        var cookie = setCookie.Split(';')[0];
        var fields = TestUsers.HiddenFields(await form.Content.ReadAsStringAsync(Cancel));
        fields["Email"] = TestUsers.NewEmail();
        using (var posted = await SendAsync(client, HttpMethod.Post, "/forgot-password", https: true, cookie: cookie, form: fields))
        {
            Assert.True((int)posted.StatusCode < 400, posted.StatusCode.ToString());
        }

        // The same token under the plain name (a cookie a sibling subdomain or a plain-http page could plant) is not read.
        using (var planted = await SendAsync(client, HttpMethod.Post, "/forgot-password", https: true, cookie: cookie["__Host-".Length..], form: fields))
        {
            Assert.Equal(HttpStatusCode.BadRequest, planted.StatusCode);
        }

        // Without any cookie the form is refused too: the check itself still runs.
        using var missing = await SendAsync(client, HttpMethod.Post, "/forgot-password", https: true, form: fields);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
    }

    [Fact]
    public async Task UnderPlainHttp_TheAntiforgeryCookieKeepsItsPlainName_AndAFormPostsWithIt()
    {
        await using var app = await IsolatedApp.StartAsync(new Dictionary<string, string>(), kestrel: true);
        app.ClientOptions.HandleCookies = false;
        app.ClientOptions.AllowAutoRedirect = false;
        using var client = app.CreateClient();

        using var form = await SendAsync(client, HttpMethod.Get, "/forgot-password", https: false);
        var setCookie = Assert.Single(form.Headers.GetValues("Set-Cookie"), header => header.Contains(".Roster.Antiforgery=", StringComparison.Ordinal));
        Assert.StartsWith(".Roster.Antiforgery=", setCookie, StringComparison.Ordinal);
        var attributes = setCookie.Split(';').Skip(1).Select(attribute => attribute.Trim().ToLowerInvariant()).ToList();
        Assert.Contains("httponly", attributes);
        Assert.DoesNotContain("secure", attributes);

        var fields = TestUsers.HiddenFields(await form.Content.ReadAsStringAsync(Cancel));
        fields["Email"] = TestUsers.NewEmail();
        using var posted = await SendAsync(client, HttpMethod.Post, "/forgot-password", https: false, cookie: setCookie.Split(';')[0], form: fields);
        Assert.True((int)posted.StatusCode < 400, posted.StatusCode.ToString());
    }

    private static async Task<HttpResponseMessage> SendAsync(
        HttpClient client, HttpMethod method, string path, bool https, string? cookie = null, object? json = null, Dictionary<string, string>? form = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (https)
        {
            request.Headers.Add("X-Forwarded-Proto", "https");
            request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        }

        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        if (json is not null)
        {
            request.Content = JsonContent.Create(json);
        }

        if (form is not null)
        {
            request.Content = new FormUrlEncodedContent(form);
        }

        return await client.SendAsync(request, Cancel);
    }
}
