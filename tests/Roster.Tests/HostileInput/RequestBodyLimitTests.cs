using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Roster.Infrastructure.Web;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.HostileInput;

/// <summary>
/// Issue 11, class 1 (work before limits): every route has a body limit of what it needs, a larger body is refused
/// with 413 before any work, and the limits are written down in docs/design.md.
/// </summary>
public sealed class RequestBodyLimitTests(RosterApp app)
{
    [Fact]
    public async Task CreateLink_120000AllowedDomains_Answers413AtOnce_WithALengthOrChunked()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var domains = string.Join(",", Enumerable.Range(0, 120_000).Select(i => $"\"d{i}.example\""));
        var body = Encoding.UTF8.GetBytes($$"""{"permission":"Member","allowedDomains":[{{domains}}]}""");
        Assert.True(body.Length > 1_500_000);

        foreach (var chunked in new[] { false, true })
        {
            // The server answers 413 and closes the connection while a chunked body is still being sent; the client may
            // then fail on its write (broken pipe) before it reads the answer. Such an attempt shows nothing, so it is tried
            // again (at most three times): the answer itself must be seen.
            for (var attempt = 1; ; attempt++)
            {
                using HttpContent content = chunked ? new StreamContent(new UnknownLengthStream(body)) : new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/workspaces/{workspace.Id}/invitation-links") { Content = content };
                request.Headers.ExpectContinue = !chunked;
                var clock = Stopwatch.StartNew();
                HttpResponseMessage response;
                try
                {
                    response = await admin.Client.SendAsync(request, TestContext.Current.CancellationToken);
                }
                catch (HttpRequestException cut) when (attempt < 3 && cut.InnerException is IOException)
                {
                    TestContext.Current.TestOutputHelper?.WriteLine($"Attempt {attempt} (chunked: {chunked}) was cut off while sending after {clock.Elapsed}: {cut.InnerException.Message}");
                    continue;
                }

                using (response)
                {
                    await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "request.too_large");
                    Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"Refused after {clock.Elapsed} (chunked: {chunked}).");
                }

                break;
            }
        }

        Assert.Empty(await admin.Client.ListLinksAsync(workspace.Id));
    }

    [Fact]
    public async Task EveryRoute_HasALimitOfKilobytes_AndRefusesOneByteMoreWith413()
    {
        var client = app.CreateHttpClient();
        var failures = new List<string>();
        var routes = Routes.List(app.Services);
        Assert.Contains(routes, route => route.IsPage);
        Assert.Contains(routes, route => route.IsApi);
        foreach (var route in routes)
        {
            if (route.BodyLimit > RequestBodies.ServerBytes)
            {
                failures.Add($"{route}: a limit of {route.BodyLimit} bytes, more than any route needs");
                continue;
            }

            using var request = new HttpRequestMessage(new HttpMethod(route.Method), route.Path())
            {
                Content = new ByteArrayContent(new byte[route.BodyLimit + 1]),
            };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(route.IsPage ? "application/x-www-form-urlencoded" : "application/json");

            // As curl does for a large body: the server answers before the body is sent, and then closes the connection.
            request.Headers.ExpectContinue = true;
            using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
            if (response.StatusCode != HttpStatusCode.RequestEntityTooLarge)
            {
                failures.Add($"{route}: {(int)response.StatusCode} for {route.BodyLimit + 1} bytes");
            }
            else if (route.IsApi && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                failures.Add($"{route}: 413 without problem+json");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task AuthorizeBatch_TakesItsLargerLimit_AndOtherApiRoutesTheDefault()
    {
        var routes = Routes.List(app.Services);
        Assert.Equal(RequestBodies.AuthorizeBatchBytes, routes.Single(route => route.Route.EndsWith("/authorize/batch", StringComparison.Ordinal)).BodyLimit);
        Assert.Equal(RequestBodies.ApiBytes, routes.Single(route => route.Route.EndsWith("/authorize", StringComparison.Ordinal)).BodyLimit);
        Assert.All(routes.Where(route => route.IsPage), route => Assert.Equal(RequestBodies.FormBytes, route.BodyLimit));

        // A body over the API's default but within the batch's limit is read (and answered by the route: 401 here).
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes($$"""{"checks":[],"pad":"{{new string('a', (int)RequestBodies.ApiBytes)}}"}"""));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await app.CreateHttpClient().PostAsync(new Uri($"/api/v1/workspaces/{Guid.NewGuid()}/authorize/batch", UriKind.Relative), content, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task AForm_OverItsLimit_ShowsTheTooLargePage_NotAnError()
    {
        using var content = new StringContent("email=" + new string('a', (int)RequestBodies.FormBytes), Encoding.UTF8, "application/x-www-form-urlencoded");
        using var response = await app.CreateHttpClient().PostAsync(new Uri("/login", UriKind.Relative), content, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("Too much to send", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public void TheLimits_AreDocumented()
    {
        var design = File.ReadAllText(Path.Combine(RepositoryFiles.Root, "docs", "design.md"));
        var start = design.IndexOf("## Request limits", StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/design.md has no '## Request limits' section.");
        var end = design.IndexOf("\n## ", start + 3, StringComparison.Ordinal);
        var section = end < 0 ? design[start..] : design[start..end];
        foreach (var bytes in new[] { RequestBodies.ApiBytes, RequestBodies.AuthorizeBatchBytes, RequestBodies.FormBytes, RequestBodies.ServerBytes })
        {
            Assert.Contains($"{bytes / 1024} KiB", section, StringComparison.Ordinal);
        }

        // A route with a limit of its own is named there.
        var defaults = new[] { RequestBodies.ApiBytes, RequestBodies.FormBytes, RequestBodies.ServerBytes };
        foreach (var route in Routes.List(app.Services).Where(route => !defaults.Contains(route.BodyLimit)))
        {
            Assert.Contains(route.Route, section, StringComparison.Ordinal);
        }
    }

    /// <summary>A stream that does not say its length, so the client sends it chunked.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
