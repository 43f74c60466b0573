using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Extensions.DependencyInjection;
using Roster.Infrastructure.Web;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Security;

public sealed partial class SecurityHeadersTests(RosterApp app)
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

    [Theory]
    [InlineData("/login", HttpStatusCode.OK)]
    [InlineData("/invite/not-a-real-token-at-all", HttpStatusCode.NotFound)]
    [InlineData("/no/such/page", HttpStatusCode.NotFound)]
    [InlineData("/error/500", HttpStatusCode.OK)]
    public async Task Pages_and_error_pages_carry_the_page_policy(string path, HttpStatusCode status)
    {
        using var client = app.CreateHttpClient();

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(status, response.StatusCode);
        Assert.StartsWith("text/html", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        Assert.Equal(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
            Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
    }

    [Fact]
    public async Task The_error_page_of_a_failed_request_carries_the_page_policy()
    {
        // The exception handler clears the failed answer's headers before it shows the error page: the policy must be set again.
        await using var failing = await IsolatedApp.StartAsync(
            new Dictionary<string, string>(),
            services: services => services.Configure<MvcOptions>(mvc => mvc.Filters.Add(new FailingPageFilter())));
        using var client = failing.CreateClient();

        using var response = await client.GetAsync(new Uri("/login", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("Something went wrong", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(SecurityHeaders.PagePolicy, Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
    }

    [Fact]
    public async Task The_API_reference_runs_only_its_own_nonced_scripts()
    {
        using var client = app.CreateHttpClient();

        using var first = await client.GetAsync(new Uri("/api/docs/", UriKind.Relative), TestContext.Current.CancellationToken);
        using var second = await client.GetAsync(new Uri("/api/docs/", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var policy = Assert.Single(first.Headers.GetValues("Content-Security-Policy"));
        var nonce = Assert.Single(NonceSource().Matches(policy)).Groups["nonce"].Value;
        var scriptSources = policy.Split(';').Single(directive => directive.Trim().StartsWith("script-src ", StringComparison.Ordinal)).Trim();
        Assert.Equal($"script-src 'self' 'nonce-{nonce}'", scriptSources);
        Assert.Contains("object-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);

        // Every script tag of the page carries that nonce, and the next page gets another one.
        var html = await first.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var scriptTags = ScriptTag().Matches(html);
        Assert.NotEmpty(scriptTags);
        Assert.All(scriptTags, tag => Assert.Contains($"nonce=\"{nonce}\"", tag.Value, StringComparison.Ordinal));
        Assert.DoesNotContain(nonce, Assert.Single(second.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
    }

    [GeneratedRegex("'nonce-(?<nonce>[^']+)'")]
    private static partial Regex NonceSource();

    [GeneratedRegex("<script[^>]*>")]
    private static partial Regex ScriptTag();

    /// <summary>Fails every page request: a bug, as the exception handler sees it.</summary>
    private sealed class FailingPageFilter : IAsyncPageFilter
    {
        public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

        public Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next) =>
            context.HttpContext.Request.Path.StartsWithSegments("/error")
                ? next()
                : throw new InvalidOperationException("A bug in a page.");
    }
}
