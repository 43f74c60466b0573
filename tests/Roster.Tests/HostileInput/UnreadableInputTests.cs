using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.HostileInput;

/// <summary>
/// Issue 11, class 2 (input the framework cannot read): every way a body, a query or a route value can fail to bind
/// answers 400 or 415 with problem+json (the dashboard: its error page), never 500.
/// </summary>
public sealed class UnreadableInputTests(RosterApp app)
{
    [Theory]
    [InlineData("application/json; charset=bogus")]
    [InlineData("application/json; charset=utf-16")]
    [InlineData("application/json; charset=\"\"")]
    [InlineData("application/json; charset=\"utf-8\"")]
    [InlineData("application/json; charset=utf8")]
    [InlineData("text/plain; charset=bogus")]
    public async Task Login_AnUnknownOrOtherCharset_Answers415(string contentType)
    {
        using var response = await PostAsync(app.CreateHttpClient(), "/api/v1/auth/login", contentType, """{"email":"a@example.com","password":"x"}""");

        await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType, "request.unsupported_media_type");
    }

    [Theory]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/json; charset=UTF-8")]
    [InlineData("application/json")]
    public async Task Login_Utf8InAnySpelling_IsRead(string contentType)
    {
        using var response = await PostAsync(app.CreateHttpClient(), "/api/v1/auth/login", contentType, """{"email":"nobody@example.com","password":"x"}""");

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.failed");
    }

    [Fact]
    public async Task EveryApiRouteThatTakesABody_ABogusCharset_Answers415_AnonymousOrSignedIn()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var failures = new List<string>();
        var routes = Routes.List(app.Services).Where(route => route.IsApi && route.Method is "POST" or "PUT" or "PATCH").ToList();
        Assert.True(routes.Count > 10);
        foreach (var client in new[] { app.CreateHttpClient(), admin.Client })
        {
            foreach (var route in routes)
            {
                using var response = await PostAsync(client, route.Path(workspace.Id), "application/json; charset=bogus", "{}", route.Method);
                var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
                if (response.StatusCode != HttpStatusCode.UnsupportedMediaType || !body.Contains("\"request.unsupported_media_type\"", StringComparison.Ordinal))
                {
                    failures.Add($"{route}: {(int)response.StatusCode} {body}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task AFormWithABogusCharset_ShowsTheErrorPage()
    {
        using var response = await PostAsync(app.CreateHttpClient(), "/login", "application/x-www-form-urlencoded; charset=bogus", "email=a%40example.com");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("The form could not be read", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("?limit=abc")]
    [InlineData("?limit=99999999999999999999")]
    [InlineData("?limit=1&limit=2")]
    public async Task Members_AQueryValueThatDoesNotBind_Answers400(string query)
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();

        using var response = await admin.Client.GetAsync(new Uri($"/api/v1/workspaces/{workspace.Id}/members{query}", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("/api/v1/workspaces/not-a-guid")]
    [InlineData("/api/v1/workspaces/00000000-0000-0000-0000-00000000000g/members")]
    [InlineData("/api/v1/workspaces/..%2f..%2fetc%2fpasswd")]
    public async Task ARouteValueThatDoesNotBind_Answers404(string path)
    {
        var user = await TestUsers.RegisterAsync(app);

        using var response = await user.Client.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("text/html")]
    [InlineData("application/xml")]
    [InlineData("image/png, text/plain;q=0.5")]
    public async Task ApiErrors_AreProblemJsonWithACode_WhateverAcceptSays(string accept)
    {
        var client = app.CreateHttpClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Accept", accept);

        using (var unauthorized = await client.GetAsync(new Uri("/api/v1/me", UriKind.Relative), TestContext.Current.CancellationToken))
        {
            await unauthorized.AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.required");
        }

        using (var unknown = await client.GetAsync(new Uri("/api/v1/no-such-route", UriKind.Relative), TestContext.Current.CancellationToken))
        {
            await unknown.AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        }

        using (var method = await client.DeleteAsync(new Uri("/api/v1/me", UriKind.Relative), TestContext.Current.CancellationToken))
        {
            await method.AssertProblemAsync(HttpStatusCode.MethodNotAllowed, "method_not_allowed");
        }
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string contentType, string body, string method = "POST")
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = content };
        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
