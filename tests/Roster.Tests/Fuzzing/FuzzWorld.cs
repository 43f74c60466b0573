using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Roster.Features.ApiKeys;
using Roster.Features.Invitations;
using Roster.Features.Permissions;
using Roster.Features.Workspaces;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Fuzzing;

/// <summary>
/// What the fuzzer's requests point at, so that routes with ids reach their real handlers: an Admin of a workspace on
/// the Enterprise plan (every feature unlocked), a Viewer in it, a live link, a custom permission and an API key; the
/// Admin as an API client (bearer) and as a browser (cookie, with the antiforgery token a page hands out), an
/// anonymous browser with its own token, and the key as a client. Hostile requests can destroy it (a DELETE of the
/// workspace, a sign-out, a password change): <see cref="EnsureAliveAsync"/> builds a new one when they did.
/// </summary>
public sealed class FuzzWorld(RosterApp app)
{
    private readonly Dictionary<FuzzCaller, HttpClient> apiClients = [];
    private readonly Dictionary<FuzzCaller, HttpClient> pageClients = [];
    private readonly Dictionary<FuzzCaller, string> antiforgeryTokens = [];

    public TestUser Admin { get; private set; } = null!;

    public WorkspaceResponse Workspace { get; private set; } = null!;

    public Guid ViewerId { get; private set; }

    public Guid LinkId { get; private set; }

    public string LinkToken { get; private set; } = "";

    public Guid PermissionId { get; private set; }

    public Guid KeyId { get; private set; }

    /// <summary>The first menu of the catalog: the key a permission's grants are written under.</summary>
    public string MenuKey { get; private set; } = "";

    /// <summary>How many times the world was rebuilt after a request destroyed it.</summary>
    public int Rebuilds { get; private set; }

    /// <summary>The client a caller sends API requests with.</summary>
    public HttpClient ApiClient(FuzzCaller caller) => apiClients[caller];

    /// <summary>The browser a caller posts pages with (the API key caller has none: pages are for people).</summary>
    public HttpClient PageClient(FuzzCaller caller) => pageClients[caller];

    /// <summary>The antiforgery token that a page gave this caller's browser.</summary>
    public string AntiforgeryToken(FuzzCaller caller) => antiforgeryTokens[caller];

    public async Task BuildAsync()
    {
        Admin = await TestUsers.RegisterAsync(app);
        Workspace = await app.CreateWorkspaceOnPlanAsync(Admin, TestPlans.Enterprise, $"Fuzz {Guid.NewGuid():N}");
        var viewer = await TestUsers.JoinAsync(app, Admin, Workspace.Id, "Viewer");
        ViewerId = viewer.Id;
        var link = await Admin.Client.CreateLinkAsync(Workspace.Id, "Viewer");
        LinkId = link.Id;
        LinkToken = Infrastructure.ApiClient.TokenOf(link);
        var menus = await Infrastructure.ApiClient.GetAsync<List<MenuResponse>>(Admin.Client, "/api/v1/menus");
        MenuKey = menus[0].Key;
        var permission = await Admin.Client.CreatePermissionAsync(
            Workspace.Id, $"Fuzz {Guid.NewGuid():N}"[..20], new Dictionary<string, IReadOnlyList<string>> { [MenuKey] = ["read-only"] });
        PermissionId = permission.Id;
        using (var created = await Admin.Client.PostAsJsonAsync(
            $"/api/v1/workspaces/{Workspace.Id}/api-keys", new { name = "Fuzz key" }, TestContext.Current.CancellationToken))
        {
            await created.EnsureSuccessAsync();
            var key = await Infrastructure.ApiClient.ReadAsync<CreatedApiKeyResponse>(created);
            KeyId = key.Id;
            var keyClient = app.CreateHttpClient();
            keyClient.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.Key);
            apiClients[FuzzCaller.ApiKey] = keyClient;
        }

        apiClients[FuzzCaller.Anonymous] = app.CreateHttpClient();
        apiClients[FuzzCaller.Admin] = Admin.Client;
        pageClients[FuzzCaller.Anonymous] = app.CreateHttpClient(new CookieContainer());
        pageClients[FuzzCaller.Admin] = await CookieSession.SignInAsync(app, Admin);
        antiforgeryTokens[FuzzCaller.Anonymous] = await AntiforgeryTokenOfAsync(pageClients[FuzzCaller.Anonymous], "/login");
        antiforgeryTokens[FuzzCaller.Admin] = await AntiforgeryTokenOfAsync(pageClients[FuzzCaller.Admin], $"/w/{Workspace.Id}/settings/workspace");
    }

    /// <summary>
    /// Checks that the Admin's bearer token and cookie still reach the workspace, and that the anonymous browser's
    /// token is still good; builds a new world when not. Returns true when it had to.
    /// </summary>
    public async Task<bool> EnsureAliveAsync()
    {
        var path = new Uri($"/api/v1/workspaces/{Workspace.Id}", UriKind.Relative);
        using var bearer = await Admin.Client.GetAsync(path, TestContext.Current.CancellationToken);
        using var cookie = await pageClients[FuzzCaller.Admin].GetAsync(path, TestContext.Current.CancellationToken);
        using var key = await apiClients[FuzzCaller.ApiKey].GetAsync(new Uri($"/api/v1/workspaces/{Workspace.Id}/access", UriKind.Relative), TestContext.Current.CancellationToken);
        if (bearer.StatusCode == HttpStatusCode.OK && cookie.StatusCode == HttpStatusCode.OK && key.StatusCode != HttpStatusCode.Unauthorized)
        {
            return false;
        }

        Rebuilds++;
        await BuildAsync();
        return true;
    }

    /// <summary>A value a request would plausibly carry for a field or parameter of this name (real ids where there are some).</summary>
    public string Plausible(string name, bool isGuid)
    {
        var lower = name.ToLowerInvariant();
        if (isGuid || lower.EndsWith("id", StringComparison.Ordinal))
        {
            return lower switch
            {
                "workspaceid" => Workspace.Id.ToString(),
                "userid" => ViewerId.ToString(),
                "permissionid" => PermissionId.ToString(),
                "linkid" => LinkId.ToString(),
                "keyid" => KeyId.ToString(),
                _ => Guid.NewGuid().ToString(),
            };
        }

        return lower switch
        {
            _ when lower.Contains("email", StringComparison.Ordinal) || lower == "actor" => TestUsers.NewEmail(),
            _ when lower.Contains("password", StringComparison.Ordinal) => TestUsers.Password,
            _ when lower.Contains("permission", StringComparison.Ordinal) => "Viewer",
            _ when lower.Contains("menu", StringComparison.Ordinal) => MenuKey,
            _ when lower.Contains("grant", StringComparison.Ordinal) => "read-only",
            _ when lower.Contains("domain", StringComparison.Ordinal) => "example.com",
            _ when lower.Contains("cell", StringComparison.Ordinal) => $"{MenuKey}:read-only",
            "token" => LinkToken,
            _ when lower.Contains("token", StringComparison.Ordinal) || lower.Contains("code", StringComparison.Ordinal) => Tokens.Random(),
            "statuscode" => "404",
            "format" => "csv",
            "from" or "to" => "2026-01-01T00:00:00Z",
            "limit" or "expiresindays" or "maxuses" => "2",
            "q" => "user",
            "returnurl" => "/",
            _ when lower.Contains("name", StringComparison.Ordinal) => $"Fuzz {Guid.NewGuid():N}"[..16],
            _ => "fuzz",
        };
    }

    private static async Task<string> AntiforgeryTokenOfAsync(HttpClient browser, string page)
    {
        var html = await browser.GetStringAsync(new Uri(page, UriKind.Relative), TestContext.Current.CancellationToken);
        return TestUsers.HiddenFields(html).TryGetValue("__RequestVerificationToken", out var token)
            ? token
            : throw new InvalidOperationException($"{page} has no form with an antiforgery token.");
    }
}
