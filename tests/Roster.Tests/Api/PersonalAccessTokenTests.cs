using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Roster.Features.Access;
using Roster.Features.AccessTokens;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Api;

/// <summary>
/// Personal access tokens (<c>roster_pat_</c>): created for one workspace with a permission no higher than the
/// creator's, they act as the creator there and nowhere else, and stop at once when revoked, when the creator leaves
/// or is removed, or when the creator no longer holds the token's permission.
/// </summary>
public sealed class PersonalAccessTokenTests(RosterApp app)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_token_acts_as_its_creator_in_its_workspace_and_its_last_use_is_listed()
    {
        var owner = await TestUsers.RegisterAsync(app);
        var workspace = await owner.Client.CreateWorkspaceAsync();
        var created = await CreateAsync(owner, workspace.Id, "Member");
        Assert.Matches("^roster_pat_[A-Za-z0-9_-]{43}$", created.Token);
        Assert.Equal("Member", created.Permission);
        using var token = TokenClient(created.Token);

        // A workspace route, and the authorization API about themselves: as a Member.
        using (var read = await token.GetAsync(new Uri($"/api/v1/workspaces/{workspace.Id}", UriKind.Relative), Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }

        using (var asked = await token.PostAsJsonAsync($"/api/v1/workspaces/{workspace.Id}/authorize", new AuthorizeRequest(owner.Id, "ab-test", "edit"), Cancel))
        {
            var answer = await ApiClient.ReadAsync<AuthorizeResponse>(asked);
            Assert.True(answer.Allowed);
            Assert.Equal("Member", answer.Permission);
        }

        // The creator is an Admin there, but the token is a Member: administration is refused.
        using (var rename = await token.PatchAsJsonAsync($"/api/v1/workspaces/{workspace.Id}", new { name = "Renamed by a token" }, Cancel))
        {
            await rename.AssertProblemAsync(HttpStatusCode.Forbidden, "workspace.forbidden");
        }

        var listed = Assert.Single(await ListAsync(owner), t => t.Id == created.Id);
        Assert.NotNull(listed.LastUsedAt);
        Assert.Equal(workspace.Name, listed.WorkspaceName);
        Assert.Equal(created.ExpiresAt, listed.ExpiresAt);
        Assert.Null(listed.RevokedAt);
    }

    [Fact]
    public async Task A_revoked_token_is_refused_at_once()
    {
        var owner = await TestUsers.RegisterAsync(app);
        var workspace = await owner.Client.CreateWorkspaceAsync();
        var created = await CreateAsync(owner, workspace.Id, "Viewer");
        using var token = TokenClient(created.Token);
        Assert.Equal(HttpStatusCode.OK, await StatusOfReadAsync(token, workspace.Id));

        using (var revoked = await owner.Client.DeleteAsync(new Uri($"/api/v1/me/tokens/{created.Id}", UriKind.Relative), Cancel))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusOfReadAsync(token, workspace.Id));
        Assert.NotNull(Assert.Single(await ListAsync(owner), t => t.Id == created.Id).RevokedAt);

        // Someone else's token: not found, as an unknown one.
        var stranger = await TestUsers.RegisterAsync(app);
        using var notTheirs = await stranger.Client.DeleteAsync(new Uri($"/api/v1/me/tokens/{created.Id}", UriKind.Relative), Cancel);
        await notTheirs.AssertProblemAsync(HttpStatusCode.NotFound, "access_token.not_found");
    }

    [Fact]
    public async Task A_removed_creators_token_is_refused()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var member = await TestUsers.JoinAsync(app, admin, workspace.Id, "Member");
        var created = await CreateAsync(member, workspace.Id, "Member");
        using var token = TokenClient(created.Token);
        Assert.Equal(HttpStatusCode.OK, await StatusOfReadAsync(token, workspace.Id));

        using (var removed = await admin.Client.DeleteAsync(new Uri($"/api/v1/workspaces/{workspace.Id}/members/{member.Id}", UriKind.Relative), Cancel))
        {
            Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusOfReadAsync(token, workspace.Id));
    }

    [Fact]
    public async Task A_lowered_creators_token_is_refused_while_a_token_within_the_new_permission_still_works()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var member = await TestUsers.JoinAsync(app, admin, workspace.Id, "Admin");
        var adminToken = await CreateAsync(member, workspace.Id, "Admin");
        var viewerToken = await CreateAsync(member, workspace.Id, "Viewer");
        using var high = TokenClient(adminToken.Token);
        using var low = TokenClient(viewerToken.Token);
        Assert.Equal(HttpStatusCode.OK, await StatusOfReadAsync(high, workspace.Id));

        using (var lowered = await admin.Client.PatchAsJsonAsync($"/api/v1/workspaces/{workspace.Id}/members/{member.Id}", new { permission = "Viewer" }, Cancel))
        {
            await lowered.EnsureSuccessAsync();
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusOfReadAsync(high, workspace.Id));
        Assert.Equal(HttpStatusCode.OK, await StatusOfReadAsync(low, workspace.Id));
    }

    [Fact]
    public async Task A_token_reaches_nothing_outside_its_workspace_and_cannot_mint_more()
    {
        var owner = await TestUsers.RegisterAsync(app);
        var workspace = await owner.Client.CreateWorkspaceAsync();
        var other = await owner.Client.CreateWorkspaceAsync();
        var created = await CreateAsync(owner, workspace.Id, "Admin");
        using var token = TokenClient(created.Token);

        using (var list = await token.GetAsync(new Uri("/api/v1/me/tokens", UriKind.Relative), Cancel))
        {
            await list.AssertProblemAsync(HttpStatusCode.Forbidden, "access_token.not_allowed");
        }

        using (var mint = await token.PostAsJsonAsync("/api/v1/me/tokens", new { name = "more", workspaceId = workspace.Id, permission = "Admin", expiresInDays = 365 }, Cancel))
        {
            await mint.AssertProblemAsync(HttpStatusCode.Forbidden, "access_token.not_allowed");
        }

        using (var revoke = await token.DeleteAsync(new Uri($"/api/v1/me/tokens/{created.Id}", UriKind.Relative), Cancel))
        {
            await revoke.AssertProblemAsync(HttpStatusCode.Forbidden, "access_token.not_allowed");
        }

        foreach (var path in new[] { "/api/v1/me", "/api/v1/workspaces" })
        {
            using var refused = await token.GetAsync(new Uri(path, UriKind.Relative), Cancel);
            await refused.AssertProblemAsync(HttpStatusCode.Forbidden, "access_token.not_allowed");
        }

        // The creator's other workspace: as for anyone outside it.
        using (var elsewhere = await token.GetAsync(new Uri($"/api/v1/workspaces/{other.Id}", UriKind.Relative), Cancel))
        {
            await elsewhere.AssertProblemAsync(HttpStatusCode.NotFound, "workspace.not_found");
        }

        // Pages: refused too.
        using (var page = await token.GetAsync(new Uri("/account", UriKind.Relative), Cancel))
        {
            Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        }

        Assert.Single(await ListAsync(owner));
    }

    [Fact]
    public async Task Creation_refuses_a_workspace_of_someone_else_a_higher_permission_and_a_life_out_of_range()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var member = await TestUsers.JoinAsync(app, admin, workspace.Id, "Member");
        var stranger = await TestUsers.RegisterAsync(app);

        using (var notTheirs = await PostAsync(stranger, new { name = "x", workspaceId = workspace.Id, permission = "Viewer", expiresInDays = 30 }))
        {
            await notTheirs.AssertValidationProblemAsync("workspaceId");
        }

        using (var unknown = await PostAsync(stranger, new { name = "x", workspaceId = Guid.NewGuid(), permission = "Viewer", expiresInDays = 30 }))
        {
            await unknown.AssertValidationProblemAsync("workspaceId");
        }

        using (var higher = await PostAsync(member, new { name = "x", workspaceId = workspace.Id, permission = "Admin", expiresInDays = 30 }))
        {
            await higher.AssertProblemAsync(HttpStatusCode.Forbidden, "access_token.permission_too_high");
        }

        foreach (int? days in new int?[] { null, 0, -1, PersonalAccessToken.MaxLifetimeDays + 1 })
        {
            using var life = await PostAsync(member, new { name = "x", workspaceId = workspace.Id, permission = "Viewer", expiresInDays = days });
            await life.AssertValidationProblemAsync("expiresInDays");
        }

        using (var noName = await PostAsync(member, new { name = " ", workspaceId = workspace.Id, permission = "Viewer", expiresInDays = 30 }))
        {
            await noName.AssertValidationProblemAsync("name");
        }

        using (var noPermission = await PostAsync(member, new { name = "x", workspaceId = workspace.Id, permission = "Owner", expiresInDays = 30 }))
        {
            await noPermission.AssertValidationProblemAsync("permission");
        }

        Assert.Empty(await ListAsync(member));
        Assert.Empty(await ListAsync(stranger));
    }

    [Fact]
    public async Task A_disabled_creators_token_is_refused()
    {
        var owner = await TestUsers.RegisterAsync(app);
        var workspace = await owner.Client.CreateWorkspaceAsync();
        var created = await CreateAsync(owner, workspace.Id, "Admin");
        using var token = TokenClient(created.Token);
        Assert.Equal(HttpStatusCode.OK, await StatusOfReadAsync(token, workspace.Id));

        // The operator's users disable (its use case, in process; the command itself is tested in Operator/).
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var disabled = await scope.ServiceProvider.GetRequiredService<Roster.Features.Accounts.AccountStatusService>()
                .DisableAsync(Roster.Infrastructure.Authorization.Actor.Operator, owner.Email, Cancel);
            Assert.True(disabled.IsSuccess);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusOfReadAsync(token, workspace.Id));
    }

    [Fact]
    public async Task Creating_and_revoking_a_token_is_recorded_in_its_workspaces_log_without_the_secret()
    {
        var owner = await TestUsers.RegisterAsync(app);
        var workspace = await owner.Client.CreateWorkspaceAsync();
        var created = await CreateAsync(owner, workspace.Id, "Viewer");
        using (var revoked = await owner.Client.DeleteAsync(new Uri($"/api/v1/me/tokens/{created.Id}", UriKind.Relative), Cancel))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        }

        var entries = await app.AuditEntriesAsync(workspace.Id);
        var made = Assert.Single(entries, e => e.Action == "personal_access_token.created");
        var ended = Assert.Single(entries, e => e.Action == "personal_access_token.revoked");
        Assert.Equal(owner.Id, made.ActorUserId);
        Assert.Equal(created.Id.ToString(), ended.TargetId);
        Assert.Contains(created.Fingerprint, made.TargetLabel, StringComparison.Ordinal);
        Assert.DoesNotContain(entries, e => $"{e.TargetLabel} {e.Details}".Contains(created.Token[PersonalAccessToken.Prefix.Length..], StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unknown_and_malformed_tokens_are_refused_alike()
    {
        var owner = await TestUsers.RegisterAsync(app);
        var workspace = await owner.Client.CreateWorkspaceAsync();
        foreach (var secret in new[] { PersonalAccessToken.Prefix + new string('A', 43), PersonalAccessToken.Prefix + "short", PersonalAccessToken.Prefix })
        {
            using var token = TokenClient(secret);
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusOfReadAsync(token, workspace.Id));
        }
    }

    internal static HttpClient TokenClientFor(RosterApp app, string secret)
    {
        var client = app.CreateHttpClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return client;
    }

    internal static async Task<CreatedAccessTokenResponse> CreateAsync(RosterApp app, TestUser user, Guid workspaceId, string permission, int days = 30)
    {
        using var response = await user.Client.PostAsJsonAsync(
            "/api/v1/me/tokens", new { name = $"token {Guid.NewGuid():N}", workspaceId, permission, expiresInDays = days }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        return await ApiClient.ReadAsync<CreatedAccessTokenResponse>(response);
    }

    internal static async Task<HttpStatusCode> StatusOfReadAsync(HttpClient client, Guid workspaceId)
    {
        using var response = await client.GetAsync(new Uri($"/api/v1/workspaces/{workspaceId}", UriKind.Relative), TestContext.Current.CancellationToken);
        return response.StatusCode;
    }

    private HttpClient TokenClient(string secret) => TokenClientFor(app, secret);

    private Task<CreatedAccessTokenResponse> CreateAsync(TestUser user, Guid workspaceId, string permission) => CreateAsync(app, user, workspaceId, permission);

    private static Task<HttpResponseMessage> PostAsync(TestUser user, object body) =>
        user.Client.PostAsJsonAsync("/api/v1/me/tokens", body, Cancel);

    private static Task<List<AccessTokenResponse>> ListAsync(TestUser user) =>
        ApiClient.GetAsync<List<AccessTokenResponse>>(user.Client, "/api/v1/me/tokens");
}

/// <summary>A token stops working when it expires (a fake clock moves past its end).</summary>
public sealed class PersonalAccessTokenExpiryTests(RosterAppWithFakeClock app) : IClassFixture<RosterAppWithFakeClock>
{
    [Fact]
    public async Task An_expired_token_is_refused()
    {
        var owner = await TestUsers.RegisterAsync(app);
        var workspace = await owner.Client.CreateWorkspaceAsync();
        var created = await PersonalAccessTokenTests.CreateAsync(app, owner, workspace.Id, "Viewer", days: 1);
        Assert.Equal(app.Clock.GetUtcNow().AddDays(1).ToUnixTimeSeconds(), created.ExpiresAt.ToUnixTimeSeconds());
        using var token = PersonalAccessTokenTests.TokenClientFor(app, created.Token);
        app.Clock.Advance(TimeSpan.FromDays(1) - TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, await PersonalAccessTokenTests.StatusOfReadAsync(token, workspace.Id));

        app.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Unauthorized, await PersonalAccessTokenTests.StatusOfReadAsync(token, workspace.Id));
    }
}
