using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Roster.Features.Accounts;
using Roster.Features.ApiKeys;
using Roster.Features.Invitations;
using Roster.Features.Permissions;
using Roster.Features.Workspaces;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Security;

/// <summary>The callers of the authorization matrix, in the order of its columns.</summary>
public enum Caller
{
    Anonymous,
    Viewer,
    Member,

    /// <summary>A member holding the custom permission "Read only" (read-only on every menu).</summary>
    ReadOnly,
    Admin,
    AdminOfAnotherWorkspace,

    /// <summary>A workspace API key of the scenario's workspace.</summary>
    ApiKey,
    ApiKeyOfAnotherWorkspace,
}

/// <summary>One request a matrix row sends, and what the row checks afterwards.</summary>
/// <param name="Verify">
/// Checks the row's own target after the call, told whether the call was allowed: the effect when it was (the
/// link is revoked), its absence when it was refused (the link is still active).
/// </param>
public sealed record PreparedCall(HttpClient Client, HttpRequestMessage Request, Func<bool, Task>? Verify = null);

/// <summary>
/// Both workspaces as the database holds them, one line per fact (<see cref="AuthorizationScenario.SnapshotAsync"/>);
/// <see cref="Core"/> is the part that is the scenario's own: its people's memberships, "Read only", its link and keys.
/// </summary>
public sealed record Snapshot(string Full, string Core)
{
    /// <summary>The facts that differ from <paramref name="earlier"/>'s: "- " gone, "+ " new or changed.</summary>
    public string ChangesSince(Snapshot earlier) => Changes(earlier.Full, Full);

    public static string Changes(string earlier, string later)
    {
        var before = earlier.Split('\n');
        var after = later.Split('\n');
        return string.Join('\n', before.Except(after).Select(line => $"- {line}").Concat(after.Except(before).Select(line => $"+ {line}")));
    }
}

/// <summary>
/// The matrix's world, built once and shared by every row: a workspace with an Admin, a Viewer, a Member and a
/// member holding the custom permission "Read only"; an Admin of another workspace; an API key of each workspace
/// (created through the API by their Admins). Rows that destroy something get fresh targets from here (a fresh
/// member, link, permission or key) so that the scenario stays as it was; <see cref="AssertIntact"/> checks that.
/// </summary>
public sealed class AuthorizationScenario(RosterApp app) : IAsyncLifetime
{
    public const string ReadOnlyPermissionName = "Read only";

    private static readonly string[] ReadOnlyGrant = ["read-only"];

    private readonly Dictionary<Caller, HttpClient> apiClients = [];
    private readonly Dictionary<Caller, HttpClient> pageClients = [];
    private readonly Dictionary<HttpClient, string?> antiforgeryTokens = [];
    private readonly Dictionary<string, string> joinTokens = [];
    private string intact = "";

    public RosterApp App => app;

    public TestUser Admin { get; private set; } = null!;

    public TestUser Viewer { get; private set; } = null!;

    public TestUser Member { get; private set; } = null!;

    public TestUser ReadOnly { get; private set; } = null!;

    public TestUser AdminOfAnotherWorkspace { get; private set; } = null!;

    /// <summary>
    /// Outside both workspaces: its credentials and refresh token are what the sign-in rows send, and it creates the
    /// workspaces that the accept rows join.
    /// </summary>
    public TestUser Outsider { get; private set; } = null!;

    public string OutsiderRefreshToken { get; private set; } = "";

    public WorkspaceResponse Workspace { get; private set; } = null!;

    public WorkspaceResponse OtherWorkspace { get; private set; } = null!;

    /// <summary>The scenario workspace's permissions by name: the built-ins and "Read only".</summary>
    public IReadOnlyDictionary<string, Guid> PermissionIds { get; private set; } = null!;

    public CreatedApiKeyResponse Key { get; private set; } = null!;

    public CreatedApiKeyResponse OtherKey { get; private set; } = null!;

    /// <summary>A live Viewer link of the scenario workspace that no row revokes or uses up.</summary>
    public CreatedInvitationLinkResponse Link { get; private set; } = null!;

    /// <summary><c>/api/v1/workspaces/{id}</c> of the scenario workspace.</summary>
    public string Api => $"/api/v1/workspaces/{Workspace.Id}";

    /// <summary><c>/w/{id}</c> of the scenario workspace.</summary>
    public string Pages => $"/w/{Workspace.Id}";

    public async ValueTask InitializeAsync()
    {
        Admin = await TestUsers.RegisterAsync(app);
        // Enterprise: the matrix covers custom permissions and API keys, which the default Free plan locks.
        Workspace = await app.CreateWorkspaceOnPlanAsync(Admin, TestPlans.Enterprise);
        Viewer = await TestUsers.JoinAsync(app, Admin, Workspace.Id, "Viewer");
        Member = await TestUsers.JoinAsync(app, Admin, Workspace.Id, "Member");

        var menus = await ApiClient.GetAsync<List<MenuResponse>>(Admin.Client, "/api/v1/menus");
        using (var created = await Admin.Client.PostAsJsonAsync(
            $"{Api}/permissions",
            new { name = ReadOnlyPermissionName, grants = menus.ToDictionary(menu => menu.Key, _ => ReadOnlyGrant) },
            TestContext.Current.CancellationToken))
        {
            await created.EnsureSuccessAsync();
        }

        ReadOnly = await TestUsers.JoinAsync(app, Admin, Workspace.Id, ReadOnlyPermissionName);
        PermissionIds = (await ApiClient.GetAsync<List<PermissionResponse>>(Admin.Client, $"{Api}/permissions"))
            .ToDictionary(permission => permission.Name, permission => permission.Id);

        AdminOfAnotherWorkspace = await TestUsers.RegisterAsync(app);
        OtherWorkspace = await app.CreateWorkspaceOnPlanAsync(AdminOfAnotherWorkspace, TestPlans.Enterprise);
        Key = await CreateKeyAsync(Admin.Client, Workspace.Id);
        OtherKey = await CreateKeyAsync(AdminOfAnotherWorkspace.Client, OtherWorkspace.Id);
        Link = await Admin.Client.CreateLinkAsync(Workspace.Id, "Viewer");

        Outsider = await TestUsers.RegisterAsync(app);
        using (var login = await app.CreateHttpClient().PostAsJsonAsync(
            "/api/v1/auth/login", new { email = Outsider.Email, password = Outsider.Password }, TestContext.Current.CancellationToken))
        {
            await login.EnsureSuccessAsync();
            OutsiderRefreshToken = (await login.Content.ReadFromJsonAsync<RefreshableLogin>(TestContext.Current.CancellationToken))!.RefreshToken;
        }

        apiClients[Caller.Anonymous] = app.CreateHttpClient();
        // Anonymous browsers keep cookies: the antiforgery cookie that their page posts need.
        pageClients[Caller.Anonymous] = app.CreateHttpClient(new CookieContainer());
        foreach (var (caller, user) in new[]
                 {
                     (Caller.Viewer, Viewer), (Caller.Member, Member), (Caller.ReadOnly, ReadOnly), (Caller.Admin, Admin),
                     (Caller.AdminOfAnotherWorkspace, AdminOfAnotherWorkspace),
                 })
        {
            apiClients[caller] = user.Client;
            pageClients[caller] = await CookieSession.SignInAsync(app, user);
        }

        apiClients[Caller.ApiKey] = pageClients[Caller.ApiKey] = KeyClient(Key.Key);
        apiClients[Caller.ApiKeyOfAnotherWorkspace] = pageClients[Caller.ApiKeyOfAnotherWorkspace] = KeyClient(OtherKey.Key);
        intact = (await SnapshotAsync()).Core;
        // Five memberships, "Read only", the link and two keys: the snapshot sees what it guards.
        Assert.Equal(9, intact.Split('\n').Length);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>The caller as an API client: a bearer token for people, the key for API keys, nothing for Anonymous.</summary>
    public HttpClient ApiClientOf(Caller caller) => apiClients[caller];

    /// <summary>The caller as a browser: the session cookie for people (the API keys send their key here too).</summary>
    public HttpClient PageClientOf(Caller caller) => pageClients[caller];

    /// <summary>The user a caller is, or null for Anonymous and the API keys.</summary>
    public TestUser? UserOf(Caller caller) => caller switch
    {
        Caller.Viewer => Viewer,
        Caller.Member => Member,
        Caller.ReadOnly => ReadOnly,
        Caller.Admin => Admin,
        Caller.AdminOfAnotherWorkspace => AdminOfAnotherWorkspace,
        _ => null,
    };

    /// <summary>The name of the permission a member caller holds in the scenario workspace, else null.</summary>
    public static string? PermissionOf(Caller caller) => caller switch
    {
        Caller.Viewer => "Viewer",
        Caller.Member => "Member",
        Caller.ReadOnly => ReadOnlyPermissionName,
        Caller.Admin => "Admin",
        _ => null,
    };

    /// <summary>
    /// A page request as a browser sends it: a POST carries the form and the antiforgery token of the client's own
    /// session (tokens are bound to the signed-in user), when the client can get one at all (an API key cannot).
    /// </summary>
    public async Task<PreparedCall> PageCallAsync(
        HttpClient client, HttpMethod method, string path, string? handler = null, IReadOnlyDictionary<string, string>? form = null, Func<bool, Task>? verify = null)
    {
        var target = handler is null ? path : $"{path}?handler={handler}";
        var request = new HttpRequestMessage(method, new Uri(target, UriKind.Relative));
        if (method == HttpMethod.Post)
        {
            var fields = new Dictionary<string, string>(form ?? new Dictionary<string, string>());
            if (await AntiforgeryTokenAsync(client) is { } token)
            {
                fields["__RequestVerificationToken"] = token;
            }

            request.Content = new FormUrlEncodedContent(fields);
        }

        return new PreparedCall(client, request, verify);
    }

    /// <summary>
    /// A new user who joined the scenario workspace through a fresh link with this permission: a target that a
    /// row may change or remove, or a stand-in caller for a row that would change the caller's own membership.
    /// </summary>
    public async Task<TestUser> FreshMemberAsync(string permission)
    {
        // One link per permission serves every fresh member (no limit on its uses; an Admin link's default is one).
        if (!joinTokens.TryGetValue(permission, out var token))
        {
            token = joinTokens[permission] = ApiClient.TokenOf(await Admin.Client.CreateLinkAsync(Workspace.Id, permission, maxUses: 10_000));
        }

        var user = await SignInAsync(await FreshAccountAsync());
        using var accepted = await user.Client.AcceptAsync(token);
        await accepted.EnsureSuccessAsync();
        return user;
    }

    /// <summary>
    /// Someone in the caller's position who is not the scenario's person: a fresh member holding the caller's
    /// permission, or a fresh Admin of a workspace of their own; null for Anonymous and the API keys.
    /// </summary>
    public async Task<TestUser?> StandInAsync(Caller caller)
    {
        if (PermissionOf(caller) is { } permission)
        {
            return await FreshMemberAsync(permission);
        }

        if (caller != Caller.AdminOfAnotherWorkspace)
        {
            return null;
        }

        var user = await SignInAsync(await FreshAccountAsync());
        await user.Client.CreateWorkspaceAsync();
        return user;
    }

    public Task<CreatedInvitationLinkResponse> FreshLinkAsync() => Admin.Client.CreateLinkAsync(Workspace.Id, "Member");

    public Task<CreatedApiKeyResponse> FreshKeyAsync() => CreateKeyAsync(Admin.Client, Workspace.Id);

    /// <summary>A custom permission of the scenario workspace that nobody holds.</summary>
    public async Task<PermissionResponse> FreshPermissionAsync()
    {
        using var response = await Admin.Client.PostAsJsonAsync(
            $"{Api}/permissions", new { name = UniqueName("Unused"), grants = new Dictionary<string, string[]> { ["analytics"] = ["data-read"] } },
            TestContext.Current.CancellationToken);
        await response.EnsureSuccessAsync();
        return await ApiClient.ReadAsync<PermissionResponse>(response);
    }

    /// <summary>
    /// A live link to a workspace of its own, for the accept rows: accepting it joins the caller there, never to the
    /// scenario's workspaces. One workspace per row, since a person can join a workspace only once.
    /// </summary>
    public async Task<(WorkspaceResponse Workspace, string Token)> FreshLobbyAsync()
    {
        var workspace = await Outsider.Client.CreateWorkspaceAsync();
        var link = await Outsider.Client.CreateLinkAsync(workspace.Id, "Viewer");
        return (workspace, ApiClient.TokenOf(link));
    }

    /// <summary>
    /// A new account, made by Identity directly: setup, not an operation under test, so it costs no sign-up request
    /// and no email. Its address verified when asked (Identity resets only the password of a verified address).
    /// </summary>
    public async Task<User> FreshAccountAsync(bool emailConfirmed = false)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<User>>();
        var email = TestUsers.NewEmail();
        var user = new User { UserName = email, Email = email, EmailConfirmed = emailConfirmed };
        var created = await users.CreateAsync(user, TestUsers.Password);
        Assert.True(created.Succeeded, string.Join(", ", created.Errors.Select(error => error.Description)));
        return (await users.FindByIdAsync(user.Id.ToString()))!;
    }

    /// <summary>Signs an account in through <c>POST /api/v1/auth/login</c>: a client with its bearer token.</summary>
    public async Task<TestUser> SignInAsync(User user)
    {
        var client = app.CreateHttpClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TestUsers.AccessTokenAsync(client, user.Email!));
        return new TestUser(user.Id, user.Email!, TestUsers.Password, client);
    }

    /// <summary>A code as the emails carry it (base64url), made by Identity itself.</summary>
    public async Task<string> IdentityCodeAsync(User user, Func<UserManager<User>, User, Task<string>> generate)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<User>>();
        var code = await generate(users, (await users.FindByIdAsync(user.Id.ToString()))!);
        return WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(code));
    }

    public static string UniqueName(string prefix) => $"{prefix} {Guid.NewGuid():N}"[..(prefix.Length + 13)];

    /// <summary>
    /// Everything about both workspaces that a call could change: the workspaces, their members and permissions,
    /// their permissions' grants, links and API keys (not a key's "last used", which using it updates). A refused
    /// call must leave this exactly as it was.
    /// </summary>
    public async Task<Snapshot> SnapshotAsync()
    {
        // One query, not one per table: every row of the matrix reads this once or twice. Plain SQL that both
        // databases run (CAST AS TEXT, ||); ids print in each database's own form, so lines compare within one run.
        // Not a key's "last used", which using the key updates.
        Guid a = Workspace.Id, b = OtherWorkspace.Id;
        var lines = await app.QueryAsync(db => db.Database.SqlQuery<string>($"""
            SELECT 'workspace ' || CAST("Id" AS TEXT) || ' ''' || "Name" || ''' members=' || CAST("MemberCount" AS TEXT) AS "Value"
              FROM "Workspaces" WHERE "Id" IN ({a}, {b})
            UNION ALL
            SELECT 'member ' || CAST("WorkspaceId" AS TEXT) || ' ' || CAST("UserId" AS TEXT) || ' holds ' || CAST("PermissionId" AS TEXT)
              FROM "Memberships" WHERE "WorkspaceId" IN ({a}, {b})
            UNION ALL
            SELECT 'permission ' || CAST("WorkspaceId" AS TEXT) || ' ' || CAST("Id" AS TEXT) || ' ''' || "Name" || ''' ' || CAST("Kind" AS TEXT) || ' [' || "Grants" || ']'
              FROM "Permissions" WHERE "WorkspaceId" IN ({a}, {b})
            UNION ALL
            SELECT 'link ' || CAST("WorkspaceId" AS TEXT) || ' ' || CAST("Id" AS TEXT) || ' grants ' || COALESCE(CAST("PermissionId" AS TEXT), '-')
                   || ' uses=' || CAST("Uses" AS TEXT) || '/' || COALESCE(CAST("MaxUses" AS TEXT), '-')
                   || ' expires=' || CAST("ExpiresAt" AS TEXT) || ' revoked=' || COALESCE(CAST("RevokedAt" AS TEXT), '-')
              FROM "InvitationLinks" WHERE "WorkspaceId" IN ({a}, {b})
            UNION ALL
            SELECT 'api key ' || CAST("WorkspaceId" AS TEXT) || ' ' || CAST("Id" AS TEXT) || ' ''' || "Name" || ''' revoked=' || COALESCE(CAST("RevokedAt" AS TEXT), '-')
              FROM "ApiKeys" WHERE "WorkspaceId" IN ({a}, {b})
            """).ToListAsync(TestContext.Current.CancellationToken));
        lines.Sort(StringComparer.Ordinal);

        var core = new[] { Admin.Id, Viewer.Id, Member.Id, ReadOnly.Id, AdminOfAnotherWorkspace.Id, Link.Id, Key.Id, OtherKey.Id }.Select(id => id.ToString()).ToList();
        return new Snapshot(
            string.Join('\n', lines),
            string.Join('\n', lines.Where(line =>
                core.Any(id => line.Contains(id, StringComparison.OrdinalIgnoreCase)) || line.Contains($"'{ReadOnlyPermissionName}'", StringComparison.Ordinal))));
    }

    /// <summary>The scenario's own people, permission, link and keys are as they were built.</summary>
    public void AssertIntact(Snapshot snapshot)
    {
        if (snapshot.Core != intact)
        {
            Assert.Fail($"The scenario's own memberships, permission, link or keys changed:\n{Snapshot.Changes(intact, snapshot.Core)}");
        }
    }

    public Task<bool> IsMemberAsync(Guid workspaceId, Guid userId) =>
        app.QueryAsync(db => db.Memberships.AnyAsync(m => m.WorkspaceId == workspaceId && m.UserId == userId, TestContext.Current.CancellationToken));

    public Task<int> MemberCountAsync(Guid workspaceId) =>
        app.QueryAsync(db => db.Memberships.CountAsync(m => m.WorkspaceId == workspaceId, TestContext.Current.CancellationToken));

    public Task<Guid?> PermissionIdOfAsync(Guid userId) =>
        app.QueryAsync(db => db.Memberships.Where(m => m.WorkspaceId == Workspace.Id && m.UserId == userId)
            .Select(m => (Guid?)m.PermissionId).SingleOrDefaultAsync(TestContext.Current.CancellationToken));

    public Task<bool> LinkRevokedAsync(Guid linkId) =>
        app.QueryAsync(db => db.InvitationLinks.Where(l => l.Id == linkId).Select(l => l.RevokedAt != null).SingleAsync(TestContext.Current.CancellationToken));

    public Task<bool> KeyRevokedAsync(Guid keyId) =>
        app.QueryAsync(db => db.ApiKeys.Where(k => k.Id == keyId).Select(k => k.RevokedAt != null).SingleAsync(TestContext.Current.CancellationToken));

    public Task<string?> PermissionNameAsync(Guid permissionId) =>
        app.QueryAsync(db => db.Permissions.Where(p => p.Id == permissionId).Select(p => p.Name).SingleOrDefaultAsync(TestContext.Current.CancellationToken));

    public Task<bool> PermissionNamedAsync(string name) =>
        app.QueryAsync(db => db.Permissions.AnyAsync(p => p.WorkspaceId == Workspace.Id && p.Name == name, TestContext.Current.CancellationToken));

    public Task<bool> KeyNamedAsync(string name) =>
        app.QueryAsync(db => db.ApiKeys.AnyAsync(k => k.WorkspaceId == Workspace.Id && k.Name == name, TestContext.Current.CancellationToken));

    public Task<bool> AccountExistsAsync(string email) =>
        app.QueryAsync(db => db.Users.AnyAsync(u => u.Email == email, TestContext.Current.CancellationToken));

    public Task<bool> WorkspaceExistsAsync(Guid workspaceId) =>
        app.QueryAsync(db => db.Workspaces.AnyAsync(w => w.Id == workspaceId, TestContext.Current.CancellationToken));

    public Task<bool> WorkspaceNamedAsync(string name) =>
        app.QueryAsync(db => db.Workspaces.AnyAsync(w => w.Name == name, TestContext.Current.CancellationToken));

    private static async Task<CreatedApiKeyResponse> CreateKeyAsync(HttpClient admin, Guid workspaceId)
    {
        using var response = await admin.PostAsJsonAsync(
            $"/api/v1/workspaces/{workspaceId}/api-keys", new { name = UniqueName("Service") }, TestContext.Current.CancellationToken);
        await response.EnsureSuccessAsync();
        return await ApiClient.ReadAsync<CreatedApiKeyResponse>(response);
    }

    private HttpClient KeyClient(string secret)
    {
        var client = app.CreateHttpClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return client;
    }

    /// <summary>
    /// The antiforgery token of the client's session, read from the sign-out page's form (every browser, signed in
    /// or not, may open it), or null when the client cannot open it (an API key).
    /// </summary>
    private async Task<string?> AntiforgeryTokenAsync(HttpClient client)
    {
        if (antiforgeryTokens.TryGetValue(client, out var cached))
        {
            return cached;
        }

        using var response = await client.GetAsync(new Uri("/logout", UriKind.Relative), TestContext.Current.CancellationToken);
        var token = response.StatusCode == HttpStatusCode.OK
            ? TestUsers.HiddenFields(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))["__RequestVerificationToken"]
            : null;
        antiforgeryTokens[client] = token;
        return token;
    }

    private sealed record RefreshableLogin(string RefreshToken);
}
