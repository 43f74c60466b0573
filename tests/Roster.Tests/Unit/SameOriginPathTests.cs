using Roster.Infrastructure.Hosting;

namespace Roster.Tests.Unit;

/// <summary>The sign-in redirect keeps the path and query of the URI the cookie handler built from the request's Host, whatever that Host was.</summary>
public sealed class SameOriginPathTests
{
    [Theory]
    [InlineData("http://attacker.example/login?ReturnUrl=%2Fw", "/login?ReturnUrl=%2Fw")]
    [InlineData("http://evil.com:99999/login?ReturnUrl=%2Fw", "/login?ReturnUrl=%2Fw")]
    [InlineData("https://a..b/login", "/login")]
    [InlineData("http://ev~il.example?ReturnUrl=%2F", "/?ReturnUrl=%2F")]
    [InlineData("http://only-a-host", "/")]
    [InlineData("/login?ReturnUrl=%2F", "/login?ReturnUrl=%2F")]
    public void KeepsThePathAndQueryOnly(string redirectUri, string expected) =>
        Assert.Equal(expected, RosterHost.SameOriginPath(redirectUri));
}
