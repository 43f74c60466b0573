using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Options;
using Roster.Infrastructure.Web;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Security;

/// <summary>
/// The rate limits (docs/design.md, "Rate limits"): credentials per account and per client address, invitation links
/// per address with a budget of their own. Each test runs an app of its own on real Kestrel, so requests come from
/// 127.0.0.1 (one office behind one address) or, with 127.0.0.1 as the trusted proxy, from whatever address the test
/// names in X-Forwarded-For. Where a test is about the shipped numbers it runs with appsettings.json's.
/// </summary>
public sealed class RateLimitTests
{
    private const string WrongPassword = "not the password at all";
    private static readonly CancellationToken Cancel = TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_shipped_limits_are_ten_per_account_three_hundred_per_address_and_six_hundred_for_links()
    {
        await using var app = await RateLimitedApps.StartAsync();

        var limits = RateLimitedApps.LimitsOf(app);

        Assert.Equal((10, 300, 600), (limits.CredentialsPerAccountPerMinute, limits.CredentialsPerAddressPerMinute, limits.LinksPerAddressPerMinute));
    }

    [Fact]
    public async Task Fifty_sign_ups_of_different_accounts_from_one_address_all_pass()
    {
        await using var app = await RateLimitedApps.StartAsync();
        using var client = app.CreateClient();

        var statuses = await SendAllAsync(50, _ => client.PostAsJsonAsync("/api/v1/auth/register", new { email = TestUsers.NewEmail(), password = TestUsers.Password }, Cancel));

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
    }

    [Fact]
    public async Task A_thousand_sign_in_attempts_from_one_address_are_limited_to_the_address_budget()
    {
        await using var app = await RateLimitedApps.StartAsync();
        var perAddress = RateLimitedApps.LimitsOf(app).CredentialsPerAddressPerMinute;
        using var client = app.CreateClient();

        // A different account each time, so only the address limit can stop them.
        var watch = Stopwatch.StartNew();
        var statuses = await SendAllAsync(1000, _ => client.PostAsJsonAsync("/api/v1/auth/login", new { email = TestUsers.NewEmail(), password = WrongPassword }, Cancel));
        var elapsed = watch.Elapsed;

        var tried = statuses.Count(status => status == HttpStatusCode.Unauthorized);
        Assert.Equal(1000, tried + statuses.Count(status => status == HttpStatusCode.TooManyRequests));
        Assert.InRange(tried, perAddress, perAddress + Refilled(perAddress, elapsed));
        // A token comes back every 200 ms, so the next attempt may find one: the first refusal after it is read.
        HttpResponseMessage limited;
        while (true)
        {
            limited = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = TestUsers.NewEmail(), password = WrongPassword }, Cancel);
            if (limited.StatusCode != HttpStatusCode.Unauthorized || watch.Elapsed > elapsed + TimeSpan.FromSeconds(10))
            {
                break;
            }

            limited.Dispose();
        }

        using var refusal = limited;
        var problem = await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.Equal("Try again in 1 second.", problem.GetProperty("detail").GetString());

        // One token every 60 / 300 seconds: the next attempt is a second away at most.
        Assert.Equal("1", limited.Headers.RetryAfter?.ToString());
    }

    [Fact]
    public async Task Fifty_guesses_at_one_account_from_fifty_addresses_are_limited_per_account()
    {
        await using var app = await RateLimitedApps.StartAsync(trustProxy: true);
        var perAccount = RateLimitedApps.LimitsOf(app).CredentialsPerAccountPerMinute;
        using var client = app.CreateClient();
        var email = TestUsers.NewEmail();
        using (var registered = await PostJsonAsync(client, "/api/v1/auth/register", new { email, password = TestUsers.Password }, "198.51.100.1"))
        {
            Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        }

        // Each guess from its own address (so no address limit is near), the email written differently each time.
        var watch = Stopwatch.StartNew();
        var statuses = await SendAllAsync(50, i => PostJsonAsync(
            client, "/api/v1/auth/login", new { email = (i % 3) switch { 0 => email, 1 => email.ToUpperInvariant(), _ => $"  {email} " }, password = WrongPassword }, $"203.0.113.{i + 1}"));
        var elapsed = watch.Elapsed;

        // The registration was the account's first attempt of the minute.
        var tried = statuses.Count(status => status == HttpStatusCode.Unauthorized);
        Assert.Equal(50, tried + statuses.Count(status => status == HttpStatusCode.TooManyRequests));
        Assert.InRange(tried, perAccount - 1, perAccount - 1 + Refilled(perAccount, elapsed));

        // Another account from the very same addresses is not limited.
        using var other = await PostJsonAsync(client, "/api/v1/auth/login", new { email = TestUsers.NewEmail(), password = WrongPassword }, "203.0.113.1");
        Assert.Equal(HttpStatusCode.Unauthorized, other.StatusCode);
    }

    [Fact]
    public async Task Once_an_account_is_limited_its_owner_waits_too_on_the_api_and_the_page()
    {
        // Two a minute: a token every 30 seconds, so none comes back while the test runs.
        await using var app = await RateLimitedApps.StartAsync(new() { ["Roster:RateLimits:CredentialsPerAccountPerMinute"] = "2" }, trustProxy: true);
        using var client = app.CreateClient();
        var email = TestUsers.NewEmail();
        using (var registered = await PostJsonAsync(client, "/api/v1/auth/register", new { email, password = TestUsers.Password }, "198.51.100.1"))
        using (var guessed = await PostJsonAsync(client, "/api/v1/auth/login", new { email, password = WrongPassword }, "203.0.113.1"))
        {
            Assert.Equal((HttpStatusCode.OK, HttpStatusCode.Unauthorized), (registered.StatusCode, guessed.StatusCode));
        }

        // The right password waits too: it is the account that is limited, whoever asks and from wherever.
        using var owner = await PostJsonAsync(client, "/api/v1/auth/login", new { email, password = TestUsers.Password }, "192.0.2.10");
        await owner.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");

        // The sign-in page shares the account's budget: "Too many attempts", before any password check.
        var page = await SignInPageAsync(app, email, TestUsers.Password, "192.0.2.11");
        Assert.Equal(HttpStatusCode.TooManyRequests, page.Status);
        Assert.Contains("Too many attempts", page.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Password_reset_requests_and_verification_resends_count_against_the_account()
    {
        await using var app = await RateLimitedApps.StartAsync(new() { ["Roster:RateLimits:CredentialsPerAccountPerMinute"] = "3" }, trustProxy: true);
        using var client = app.CreateClient();
        var email = TestUsers.NewEmail();

        using var forgot = await PostJsonAsync(client, "/api/v1/auth/forgot-password", new { email }, "203.0.113.1");
        using var resend = await PostJsonAsync(client, "/api/v1/auth/resend-confirmation", new { email }, "203.0.113.2");
        using var reset = await PostJsonAsync(client, "/api/v1/auth/reset-password", new { email, resetCode = "not-a-code", newPassword = "a new long password 99" }, "203.0.113.3");
        using var limited = await PostJsonAsync(client, "/api/v1/auth/forgot-password", new { email }, "203.0.113.4");

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.BadRequest], [forgot.StatusCode, resend.StatusCode, reset.StatusCode]);
        await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
    }

    [Fact]
    public async Task The_link_limit_is_a_budget_of_its_own_beside_the_credential_limit()
    {
        await using var app = await RateLimitedApps.StartAsync(new()
        {
            ["Roster:RateLimits:CredentialsPerAddressPerMinute"] = "3",
            ["Roster:RateLimits:LinksPerAddressPerMinute"] = "5",
        });
        using var client = app.CreateClient();
        var token = Tokens.Random();

        var signIns = await SendAllAsync(4, _ => client.PostAsJsonAsync("/api/v1/auth/login", new { email = TestUsers.NewEmail(), password = WrongPassword }, Cancel), parallel: 1);

        // Sign-in is spent; opening links from the same address still has all of its own budget.
        var previews = await SendAllAsync(5, _ => client.PreviewAsync(token), parallel: 1);
        using var linkPage = await client.GetAsync(new Uri($"/invite/{token}", UriKind.Relative), Cancel);
        using var signInAgain = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = TestUsers.NewEmail(), password = WrongPassword }, Cancel);

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], signIns);
        Assert.All(previews, status => Assert.Equal(HttpStatusCode.NotFound, status));

        // The page and the API preview share the links budget, which is now spent; spending it gave sign-in nothing.
        Assert.Equal(HttpStatusCode.TooManyRequests, linkPage.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, signInAgain.StatusCode);
    }

    [Fact]
    public async Task Retry_after_is_the_time_to_the_next_allowed_attempt_on_the_api_and_the_page()
    {
        await using var app = await RateLimitedApps.StartAsync(
            new()
            {
                ["Roster:RateLimits:CredentialsPerAccountPerMinute"] = "2",
                ["Roster:RateLimits:CredentialsPerAddressPerMinute"] = "30",
                ["Roster:RateLimits:LinksPerAddressPerMinute"] = "4",
            },
            trustProxy: true);
        using var client = app.CreateClient();
        var email = TestUsers.NewEmail();

        // Per account, 2 a minute: the third attempt waits the 30 seconds that the next one takes to come back.
        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var tried = await PostJsonAsync(client, "/api/v1/auth/login", new { email, password = WrongPassword }, "203.0.113.1");
            Assert.Equal(HttpStatusCode.Unauthorized, tried.StatusCode);
        }

        using var account = await PostJsonAsync(client, "/api/v1/auth/login", new { email, password = WrongPassword }, "203.0.113.1");
        var problem = await account.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.Equal("30", account.Headers.RetryAfter?.ToString());
        Assert.Equal("Try again in 30 seconds.", problem.GetProperty("detail").GetString());

        // The page says it in words, with the same header.
        var page = await SignInPageAsync(app, email, WrongPassword, "203.0.113.2");
        Assert.Equal(HttpStatusCode.TooManyRequests, page.Status);
        Assert.Equal("30", page.RetryAfter);
        Assert.Contains("Wait 30 seconds and try again.", page.Body, StringComparison.Ordinal);

        // Per address for links, 4 a minute: a token every 15 seconds.
        var previews = await SendAllAsync(5, _ => GetAsync(client, $"/api/v1/invitations/{Tokens.Random()}", "198.51.100.7"), parallel: 1);
        Assert.Equal(HttpStatusCode.TooManyRequests, previews[^1]);
        using var link = await GetAsync(client, $"/api/v1/invitations/{Tokens.Random()}", "198.51.100.7");
        await link.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.Equal("15", link.Headers.RetryAfter?.ToString());
    }

    [Fact]
    public async Task An_ipv6_client_is_limited_by_its_64_prefix_not_by_each_address()
    {
        await using var app = await RateLimitedApps.StartAsync(new() { ["Roster:RateLimits:LinksPerAddressPerMinute"] = "2" }, trustProxy: true);
        using var client = app.CreateClient();

        var sameHost = await SendAllAsync(
            3, i => GetAsync(client, $"/api/v1/invitations/{Tokens.Random()}", $"2001:db8:aa:bb:{i + 1:x}::{i + 7:x}"), parallel: 1);
        using var neighbour = await GetAsync(client, $"/api/v1/invitations/{Tokens.Random()}", "2001:db8:aa:bc::1");

        Assert.Equal([HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.TooManyRequests], sameHost);
        Assert.Equal(HttpStatusCode.NotFound, neighbour.StatusCode);
    }

    [Theory]
    [InlineData("Roster:SensitiveRequestsPerMinute", "30", "Roster:SensitiveRequestsPerMinute was replaced")]
    [InlineData("Roster:RateLimits:CredentialsPerAccountPerMinute", "0", "at least 1")]
    [InlineData("Roster:RateLimits:LinksPerAddressPerMinute", "-5", "at least 1")]
    public async Task A_limit_that_cannot_work_stops_the_app_at_start(string setting, string value, string message)
    {
        await using var app = await IsolatedApp.StartAsync(new Dictionary<string, string> { [setting] = value });

        var refused = Assert.ThrowsAny<Exception>(() => app.Services);

        Assert.Contains(Flatten(refused), failure => failure is OptionsValidationException && failure.Message.Contains(message, StringComparison.Ordinal));
    }

    private static IEnumerable<Exception> Flatten(Exception exception) => exception is AggregateException aggregate
        ? aggregate.InnerExceptions.SelectMany(Flatten)
        : exception.InnerException is { } inner ? [exception, .. Flatten(inner)] : [exception];

    /// <summary>The tokens a limit of <paramref name="perMinute"/> gives back over <paramref name="elapsed"/>, plus one for the edge.</summary>
    private static int Refilled(int perMinute, TimeSpan elapsed) => (int)Math.Ceiling(elapsed.TotalMinutes * perMinute) + 1;

    /// <summary>Sends <paramref name="count"/> requests, several at once unless told; returns their statuses in order.</summary>
    private static async Task<HttpStatusCode[]> SendAllAsync(int count, Func<int, Task<HttpResponseMessage>> send, int parallel = 8)
    {
        var statuses = new HttpStatusCode[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = Cancel }, async (i, _) =>
        {
            using var response = await send(i);
            statuses[i] = response.StatusCode;
        });
        return statuses;
    }

    private static Task<HttpResponseMessage> PostJsonAsync(HttpClient client, string path, object body, string forwardedFor)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return client.SendAsync(request, Cancel);
    }

    private static Task<HttpResponseMessage> GetAsync(HttpClient client, string path, string forwardedFor)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return client.SendAsync(request, Cancel);
    }

    /// <summary>Opens /login and posts its form (with its antiforgery token) from the given address.</summary>
    private static async Task<(HttpStatusCode Status, string Body, string? RetryAfter)> SignInPageAsync(
        IsolatedApp app, string email, string password, string forwardedFor)
    {
        using var browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
        {
            BaseAddress = RateLimitedApps.BaseAddressOf(app),
        };
        using var opened = await GetAsync(browser, "/login", forwardedFor);
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        var form = TestUsers.HiddenFields(await opened.Content.ReadAsStringAsync(Cancel));
        form["Email"] = email;
        form["Password"] = password;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/login") { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        using var posted = await browser.SendAsync(request, Cancel);
        return (posted.StatusCode, await posted.Content.ReadAsStringAsync(Cancel), posted.Headers.RetryAfter?.ToString());
    }
}
