using System.Net;
using System.Net.Http.Json;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.EmailCodes;

/// <summary>
/// Sends are limited per address (whoever asks), verifies per address and per client; the API answers 429 with
/// Retry-After, the page a form error with the wait. Each test on an app of its own with low limits.
/// </summary>
public sealed class EmailCodeRateLimitTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sends_to_one_address_are_limited_whoever_asks_with_429_and_Retry_After()
    {
        await using var app = await RateLimitedApps.StartAsync(new() { ["Roster:RateLimits:EmailCodes:SendsPerAddress"] = "3" });
        using var client = new HttpClient { BaseAddress = RateLimitedApps.BaseAddressOf(app) };
        var email = TestUsers.NewEmail();
        for (var send = 0; send < 3; send++)
        {
            using var sent = await client.PostAsJsonAsync("/api/v1/auth/email-code", new { email = send == 1 ? email.ToUpperInvariant() : email }, Cancel);
            Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        }

        using var limited = await client.PostAsJsonAsync("/api/v1/auth/email-code", new { email = $" {email} " }, Cancel);
        await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        var retryAfter = int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 5 * 60);

        // Another address is not affected, with or without an account.
        using var other = await client.PostAsJsonAsync("/api/v1/auth/email-code", new { email = TestUsers.NewEmail() }, Cancel);
        Assert.Equal(HttpStatusCode.Accepted, other.StatusCode);
    }

    [Fact]
    public async Task The_page_says_how_long_to_wait_past_the_sends_of_an_address()
    {
        await using var app = await RateLimitedApps.StartAsync(new() { ["Roster:RateLimits:EmailCodes:SendsPerAddress"] = "1" });
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() };
        using var browser = new HttpClient(handler) { BaseAddress = RateLimitedApps.BaseAddressOf(app) };
        var email = TestUsers.NewEmail();
        using var first = await EmailCodePageTests.PostFormAsync(browser, "/login/email", new() { ["Email"] = email });
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        using var second = await EmailCodePageTests.PostFormAsync(browser, "/login/email", new() { ["Email"] = email });
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.True(second.Headers.Contains("Retry-After"));
        Assert.Matches("try again in [0-9]+ (seconds|minutes)", await second.Content.ReadAsStringAsync(Cancel));
    }

    [Fact]
    public async Task Verifies_of_one_address_are_limited_per_account()
    {
        await using var app = await RateLimitedApps.StartAsync(new() { ["Roster:RateLimits:CredentialsPerAccountPerMinute"] = "3" });
        using var client = new HttpClient { BaseAddress = RateLimitedApps.BaseAddressOf(app) };
        var email = TestUsers.NewEmail();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            using var wrong = await client.PostAsJsonAsync("/api/v1/auth/email-code/verify", new { email, code = "00000000", challenge = new string('A', 43) }, Cancel);
            await wrong.AssertProblemAsync(HttpStatusCode.Unauthorized, "email_code.invalid");
        }

        using var limited = await client.PostAsJsonAsync("/api/v1/auth/email-code/verify", new { email, code = "00000000", challenge = new string('A', 43) }, Cancel);
        await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.True(limited.Headers.RetryAfter is not null);
    }

    [Fact]
    public async Task Requests_from_one_client_are_limited_across_addresses()
    {
        await using var app = await RateLimitedApps.StartAsync(new() { ["Roster:RateLimits:CredentialsPerAddressPerMinute"] = "3" });
        using var client = new HttpClient { BaseAddress = RateLimitedApps.BaseAddressOf(app) };
        for (var request = 0; request < 3; request++)
        {
            using var sent = await client.PostAsJsonAsync("/api/v1/auth/email-code", new { email = TestUsers.NewEmail() }, Cancel);
            Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        }

        using var limited = await client.PostAsJsonAsync("/api/v1/auth/email-code", new { email = TestUsers.NewEmail() }, Cancel);
        await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.True(limited.Headers.RetryAfter is not null);
    }
}
