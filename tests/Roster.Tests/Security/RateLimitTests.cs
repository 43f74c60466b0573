using System.Net;
using System.Net.Http.Json;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Security;

/// <summary>What can be guessed is rate limited per client: credentials and invitation tokens.</summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    private const int PerMinute = 3;
    private IsolatedApp factory = null!;

    public async ValueTask InitializeAsync() => factory = await IsolatedApp.StartAsync(new Dictionary<string, string>
    {
        ["Roster:SensitiveRequestsPerMinute"] = PerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    [Fact]
    public async Task Api_sign_in_attempts_past_the_limit_get_429_problem_with_a_code()
    {
        using var client = factory.CreateClient();
        for (var attempt = 0; attempt < PerMinute; attempt++)
        {
            using var refused = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = TestUsers.NewEmail(), password = "wrong password here" }, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        using var limited = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = TestUsers.NewEmail(), password = "wrong password here" }, TestContext.Current.CancellationToken);
        await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.Equal("60", limited.Headers.RetryAfter?.ToString());
    }

    [Fact]
    public async Task Guessing_invitation_tokens_on_the_link_page_is_limited()
    {
        using var client = factory.CreateClient();
        for (var attempt = 0; attempt < PerMinute; attempt++)
        {
            using var unknown = await client.GetAsync(new Uri($"/invite/{new string('a', 43)}", UriKind.Relative), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }

        using var limited = await client.GetAsync(new Uri($"/invite/{new string('b', 43)}", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
    }

    public async ValueTask DisposeAsync() => await factory.DisposeAsync();
}
