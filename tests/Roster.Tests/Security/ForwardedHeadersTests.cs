using System.Net;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Security;

/// <summary>
/// Rate limits are per client address. Behind a trusted proxy that address comes from X-Forwarded-For;
/// from anyone else the header is ignored, so forging it cannot buy more guesses. (The link preview's limit, a
/// token bucket of <see cref="PerMinute"/>: that many at once, then one every 30 seconds.)
/// </summary>
public sealed class ForwardedHeadersTests
{
    private const int PerMinute = 2;

    [Fact]
    public async Task Behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit()
    {
        await using var app = await StartAsync(trustedProxy: "127.0.0.1");
        using var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.NotFound, await PreviewAsync(client, "203.0.113.1"));
        Assert.Equal(HttpStatusCode.NotFound, await PreviewAsync(client, "203.0.113.1"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await PreviewAsync(client, "203.0.113.1"));
        Assert.Equal(HttpStatusCode.NotFound, await PreviewAsync(client, "203.0.113.2"));
    }

    [Fact]
    public async Task Without_trusted_proxies_a_forged_forwarded_address_is_ignored()
    {
        await using var app = await StartAsync(trustedProxy: null);
        using var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.NotFound, await PreviewAsync(client, "203.0.113.1"));
        Assert.Equal(HttpStatusCode.NotFound, await PreviewAsync(client, "203.0.113.2"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await PreviewAsync(client, "203.0.113.3"));
    }

    private static async Task<HttpStatusCode> PreviewAsync(HttpClient client, string forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/invitations/{Tokens.Random()}");
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        return response.StatusCode;
    }

    /// <summary>The app on real Kestrel, so requests come from 127.0.0.1 as they would from a local proxy.</summary>
    private static Task<IsolatedApp> StartAsync(string? trustedProxy)
    {
        var settings = new Dictionary<string, string>
        {
            ["Roster:RateLimits:LinksPerAddressPerMinute"] = PerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (trustedProxy is not null)
        {
            settings["Roster:TrustedProxies:0"] = trustedProxy;
        }

        return IsolatedApp.StartAsync(settings, kestrel: true);
    }
}
