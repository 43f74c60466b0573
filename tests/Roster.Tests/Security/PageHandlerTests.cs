using System.Net;
using System.Text.RegularExpressions;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Security;

/// <summary>
/// Issue 11, class 3: every page answers 404 for a handler it does not have and 405 (with <c>Allow</c>) for a method it
/// has no handler for, never 500 and never itself rendered half-built. The pages and their handlers come from the
/// running app (<see cref="EndpointInventory"/>), so a new page is covered without editing this test. Requests carry a
/// valid antiforgery token and come from a signed-in Admin of the workspace in the address, so nothing refuses them
/// before the page does.
/// </summary>
public sealed partial class PageHandlerTests(RosterApp app)
{
    private static readonly string[] UnsafeMethods = ["POST", "PUT", "DELETE", "PATCH"];

    [Fact]
    public async Task Dashboard_PostWithValidToken_AnswersMethodNotAllowedWithAllow()
    {
        var admin = await SignedInAdminAsync();

        using var response = await admin.SendAsync(HttpMethod.Post, $"/w/{admin.WorkspaceId}");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(["GET", "HEAD"], AllowOf(response));
        Assert.Contains("This page cannot do that", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WorkspaceSettings_PostUnknownHandler_AnswersNotFound()
    {
        var admin = await SignedInAdminAsync();

        using var response = await admin.SendAsync(HttpMethod.Post, $"/w/{admin.WorkspaceId}/settings/workspace?handler=Nope");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Page not found", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(admin.WorkspaceName, (await admin.Bearer.GetMeAsync()).Workspaces.Single().Name);
    }

    [Fact]
    public async Task EveryPage_UnknownHandlerOrMissingMethod_AnswersNotFoundOrMethodNotAllowed()
    {
        var admin = await SignedInAdminAsync();
        var pages = await PagesAsync();
        Assert.Contains("/w/{workspaceId}", pages.Keys);

        var failures = new List<string>();
        foreach (var (route, handlers) in pages)
        {
            var path = Fill(route, admin.WorkspaceId);
            foreach (var method in UnsafeMethods.Append("GET"))
            {
                using var unknown = await admin.SendAsync(new HttpMethod(method), $"{path}?handler=Nope");
                if (unknown.StatusCode != HttpStatusCode.NotFound)
                {
                    failures.Add($"{method} {path}?handler=Nope answered {(int)unknown.StatusCode}, not 404");
                }
            }

            // The methods a request without a handler name may use: the unnamed handlers' (GET brings HEAD).
            var allowed = handlers.Where(handler => handler.Name is null).Select(handler => handler.Method).ToHashSet();
            if (allowed.Contains("GET"))
            {
                allowed.Add("HEAD");
            }

            foreach (var method in UnsafeMethods.Where(method => !allowed.Contains(method)))
            {
                using var missing = await admin.SendAsync(new HttpMethod(method), path);
                var allow = AllowOf(missing);
                if (missing.StatusCode != HttpStatusCode.MethodNotAllowed || !allow.ToHashSet().SetEquals(allowed))
                {
                    failures.Add($"{method} {path} answered {(int)missing.StatusCode} with Allow: {string.Join(", ", allow)}; expected 405 with {string.Join(", ", allowed.Order())}");
                }
            }

            // A named handler sent with a method it does not have, on a page with no unnamed handler for that method.
            foreach (var named in handlers.Where(handler => handler.Name is not null).Select(handler => handler.Name!).Distinct())
            {
                var withName = handlers.Where(handler => handler.Name is null || handler.Name == named).Select(handler => handler.Method).ToHashSet();
                foreach (var method in UnsafeMethods.Where(method => !withName.Contains(method)))
                {
                    using var wrongMethod = await admin.SendAsync(new HttpMethod(method), $"{path}?handler={named}");
                    if (wrongMethod.StatusCode != HttpStatusCode.MethodNotAllowed)
                    {
                        failures.Add($"{method} {path}?handler={named} answered {(int)wrongMethod.StatusCode}, not 405");
                    }
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        // Nothing of the workspace changed on the way (no handler ran: no rename, delete or leave).
        Assert.Equal(admin.WorkspaceName, (await admin.Bearer.GetMeAsync()).Workspaces.Single().Name);
    }

    [Fact]
    public async Task Pages_HandlersTheyHave_StillAnswer()
    {
        var admin = await SignedInAdminAsync();

        using var head = await admin.SendAsync(HttpMethod.Head, $"/w/{admin.WorkspaceId}");
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);

        // A form's address reloaded with GET (the name belongs to a POST handler) opens the page, as before.
        using var reloaded = await admin.SendAsync(HttpMethod.Get, $"/w/{admin.WorkspaceId}/settings/workspace?handler=Rename");
        Assert.Equal(HttpStatusCode.OK, reloaded.StatusCode);

        using var error = await admin.SendAsync(HttpMethod.Get, "/error/404");
        Assert.Equal(HttpStatusCode.OK, error.StatusCode);
        Assert.Contains("Page not found", await error.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);

        // The error page, re-executed in the failed request's method, renders for a method it has no handler for.
        using var put = await admin.SendAsync(HttpMethod.Put, $"/w/{admin.WorkspaceId}/settings/members");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, put.StatusCode);
        Assert.Contains("This page cannot do that", await put.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);

        using var anonymous = app.CreateHttpClient();
        using var missing = await anonymous.GetAsync(new Uri("/no-such-page", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("Page not found", await missing.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Options_AnswersWhatThePageTakes_WithNoBody()
    {
        var client = app.CreateHttpClient();
        using var options = await client.SendAsync(new HttpRequestMessage(HttpMethod.Options, "/login"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NoContent, options.StatusCode);
        Assert.Equal(["GET", "HEAD", "POST"], AllowOf(options));

        using var unknown = await client.SendAsync(new HttpRequestMessage(HttpMethod.Options, "/login?handler=Nope"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    private static string[] AllowOf(HttpResponseMessage response) =>
        [.. response.Content.Headers.Allow.Concat(response.Headers.TryGetValues("Allow", out var values) ? values : [])
            .SelectMany(value => value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))];

    /// <summary>Every page route with its handlers (method upper case, name or null), from the running app.</summary>
    private async Task<Dictionary<string, List<(string Method, string? Name)>>> PagesAsync()
    {
        var pages = new Dictionary<string, List<(string Method, string? Name)>>(StringComparer.Ordinal);
        foreach (var operation in await EndpointInventory.ListAsync(app.Services))
        {
            if (PageOperation().Match(operation) is not { Success: true } match)
            {
                continue;
            }

            var handlers = pages.TryGetValue(match.Groups["route"].Value, out var list) ? list : pages[match.Groups["route"].Value] = [];
            handlers.Add((match.Groups["method"].Value, match.Groups["handler"].Success ? match.Groups["handler"].Value : null));
        }

        return pages;
    }

    /// <summary>A route with its parameters filled: the Admin's workspace, any other id, a token, a status.</summary>
    private static string Fill(string route, Guid workspaceId) =>
        RouteParameter().Replace(route, parameter => parameter.Groups[1].Value switch
        {
            "workspaceId" => workspaceId.ToString(),
            "statusCode" => "404",
            "token" => new string('t', 43),
            _ => Guid.NewGuid().ToString(),
        });

    private async Task<AdminBrowser> SignedInAdminAsync()
    {
        var user = await TestUsers.RegisterAsync(app);
        var workspace = await user.Client.CreateWorkspaceAsync();
        var browser = await CookieSession.SignInAsync(app, user);
        var settings = await browser.GetStringAsync(new Uri($"/w/{workspace.Id}/settings/workspace", UriKind.Relative), TestContext.Current.CancellationToken);
        return new AdminBrowser(browser, user.Client, workspace.Id, workspace.Name, TestUsers.HiddenFields(settings)["__RequestVerificationToken"]);
    }

    [GeneratedRegex(@"^PAGE (?<method>[A-Z]+) (?<route>[^?]+)(\?handler=(?<handler>.+))?$")]
    private static partial Regex PageOperation();

    [GeneratedRegex(@"\{([^{}]+)\}")]
    private static partial Regex RouteParameter();

    /// <summary>The Admin's cookie session with its antiforgery token, and their bearer client for checks.</summary>
    private sealed record AdminBrowser(HttpClient Browser, HttpClient Bearer, Guid WorkspaceId, string WorkspaceName, string AntiforgeryToken)
    {
        /// <summary>Sends the method with the token in the header and, but for GET and HEAD, in a form body too.</summary>
        public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path)
        {
            var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
            request.Headers.Add("RequestVerificationToken", AntiforgeryToken);
            if (method != HttpMethod.Get && method != HttpMethod.Head)
            {
                request.Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = AntiforgeryToken });
            }

            return Browser.SendAsync(request, TestContext.Current.CancellationToken);
        }
    }
}
