using Roster.Tests.Infrastructure;

namespace Roster.Tests.Security;

public sealed class SecurityHeadersTests(RosterApp app)
{
    [Theory]
    [InlineData("/login")]
    [InlineData("/signup")]
    [InlineData("/api/v1/me")]
    public async Task Every_response_forbids_framing_sniffing_referrers_and_foreign_scripts(string path)
    {
        using var client = app.CreateHttpClient();

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self';", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
    }
}
