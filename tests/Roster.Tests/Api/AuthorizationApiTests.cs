using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Roster.Features.Access;
using Roster.Features.ApiKeys;
using Roster.Infrastructure.Data;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Api;

/// <summary>The authorization API and workspace API keys (SPEC sections 3 and 8).</summary>
public sealed class AuthorizationApiTests(RosterApp app)
{
    private static readonly CancellationToken Cancel = TestContext.Current.CancellationToken;

    [Fact]
    public async Task ApiKey_IsShownOnce_StoredAsAHash_AndListedWithoutItsSecret()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await app.CreateWorkspaceOnPlanAsync(admin, TestPlans.Enterprise);

        using var response = await admin.Client.PostAsJsonAsync($"/api/v1/workspaces/{workspace.Id}/api-keys", new { name = "  experiments service " }, Cancel);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await ApiClient.ReadAsync<CreatedApiKeyResponse>(response);
        Assert.Matches("^roster_key_[A-Za-z0-9_-]{43}$", created.Key);
        Assert.Equal("experiments service", created.Name);
        var listed = await ApiClient.GetAsync<ApiKeyResponse>(admin.Client, response.Headers.Location!.OriginalString);
        Assert.Equal((created.Id, created.Fingerprint, null, null), (listed.Id, listed.Fingerprint, listed.LastUsedAt, listed.RevokedAt));
        var list = await admin.Client.GetStringAsync(new Uri($"/api/v1/workspaces/{workspace.Id}/api-keys", UriKind.Relative), Cancel);
        Assert.DoesNotContain(created.Key, list, StringComparison.Ordinal);
        Assert.DoesNotContain(created.Key[ApiKey.Prefix.Length..], list, StringComparison.Ordinal);

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RosterDbContext>();
        var stored = await db.ApiKeys.AsNoTracking().SingleAsync(k => k.Id == created.Id, Cancel);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(created.Key))), stored.SecretHash);
    }

    [Fact]
    public async Task ApiKey_AsksAboutAnyMember_WithReasons_AndRecordsItsLastUse()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await app.CreateWorkspaceOnPlanAsync(admin, TestPlans.Enterprise);
        var viewer = await TestUsers.JoinAsync(app, admin, workspace.Id, "Viewer");
        var stranger = await TestUsers.RegisterAsync(app);
        var (keyId, secret) = await admin.Client.CreateApiKeyAsync(workspace.Id);
        var service = KeyClient(secret);

        Assert.Equal(new AuthorizeResponse(false, "Viewer", "Viewer lacks edit on A/B Test"), await AskAsync(service, workspace.Id, viewer.Id, "ab-test", "edit"));
        Assert.Equal(new AuthorizeResponse(true, "Viewer", "granted by Viewer"), await AskAsync(service, workspace.Id, viewer.Id, "analytics", "data-read"));
        Assert.Equal(new AuthorizeResponse(true, "Admin", "granted by Admin"), await AskAsync(service, workspace.Id, admin.Id, "crm", "data-download"));
        Assert.Equal(new AuthorizeResponse(false, null, "not a member"), await AskAsync(service, workspace.Id, stranger.Id, "crm", "read-only"));

        var key = await ApiClient.GetAsync<ApiKeyResponse>(admin.Client, $"/api/v1/workspaces/{workspace.Id}/api-keys/{keyId}");
        Assert.NotNull(key.LastUsedAt);
    }

    [Fact]
    public async Task ApiKey_AboutADisabledAccount_IsToldNothingIsAllowed_AlsoInABatch()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await app.CreateWorkspaceOnPlanAsync(admin, TestPlans.Enterprise);
        var member = await TestUsers.JoinAsync(app, admin, workspace.Id, "Member");
        var (_, secret) = await admin.Client.CreateApiKeyAsync(workspace.Id);
        var service = KeyClient(secret);
        Assert.True((await AskAsync(service, workspace.Id, member.Id, "ab-test", "edit")).Allowed);

        // The operator's users disable (its use case, in process; the command itself is tested in Operator/).
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var disabled = await scope.ServiceProvider.GetRequiredService<Roster.Features.Accounts.AccountStatusService>()
                .DisableAsync(Roster.Infrastructure.Authorization.Actor.Operator, member.Email, Cancel);
            Assert.True(disabled.IsSuccess);
        }

        Assert.Equal(new AuthorizeResponse(false, "Member", "account disabled"), await AskAsync(service, workspace.Id, member.Id, "ab-test", "edit"));
        using var batch = await service.PostAsJsonAsync(
            $"/api/v1/workspaces/{workspace.Id}/authorize/batch",
            new { checks = new[] { new { userId = member.Id, menu = "crm", grant = "read-only" }, new { userId = admin.Id, menu = "crm", grant = "read-only" } } },
            Cancel);
        await batch.EnsureSuccessAsync();
        var results = (await batch.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("results").EnumerateArray().Select(r => r.GetProperty("allowed").GetBoolean());
        Assert.Equal([false, true], results);
    }

    [Fact]
    public async Task ApiKey_OfAnotherWorkspace_IsNotFound_AndAKeyCallsNothingButTheAuthorizationApi()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await app.CreateWorkspaceOnPlanAsync(admin, TestPlans.Enterprise);
        var otherAdmin = await TestUsers.RegisterAsync(app);
        var otherWorkspace = await app.CreateWorkspaceOnPlanAsync(otherAdmin, TestPlans.Enterprise);
        var (_, otherSecret) = await otherAdmin.Client.CreateApiKeyAsync(otherWorkspace.Id);
        var (_, secret) = await admin.Client.CreateApiKeyAsync(workspace.Id);

        using (var response = await KeyClient(otherSecret).PostAsJsonAsync(
            $"/api/v1/workspaces/{workspace.Id}/authorize", new { userId = admin.Id, menu = "crm", grant = "edit" }, Cancel))
        {
            var problem = await response.AssertProblemAsync(HttpStatusCode.NotFound, "workspace.not_found");
            Assert.DoesNotContain(workspace.Name, problem.ToString(), StringComparison.Ordinal);
        }

        foreach (var path in new[] { $"/api/v1/workspaces/{workspace.Id}/members", $"/api/v1/workspaces/{workspace.Id}", "/api/v1/me", "/api/v1/workspaces" })
        {
            using var response = await KeyClient(secret).GetAsync(new Uri(path, UriKind.Relative), Cancel);
            await response.AssertProblemAsync(HttpStatusCode.Forbidden, "api_key.not_allowed");
        }
    }

    [Fact]
    public async Task ApiKey_Revoked_IsRefusedOnItsNextRequest_LikeAnUnknownOne()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await app.CreateWorkspaceOnPlanAsync(admin, TestPlans.Enterprise);
        var (keyId, secret) = await admin.Client.CreateApiKeyAsync(workspace.Id);
        await AskAsync(KeyClient(secret), workspace.Id, admin.Id, "crm", "edit");

        using (var revoked = await admin.Client.DeleteAsync(new Uri($"/api/v1/workspaces/{workspace.Id}/api-keys/{keyId}", UriKind.Relative), Cancel))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        }

        foreach (var candidate in new[] { secret, $"{ApiKey.Prefix}{Tokens.Random()}", $"{ApiKey.Prefix}short" })
        {
            using var response = await KeyClient(candidate).PostAsJsonAsync(
                $"/api/v1/workspaces/{workspace.Id}/authorize", new { userId = admin.Id, menu = "crm", grant = "edit" }, Cancel);
            await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.required");
        }

        Assert.NotNull((await ApiClient.GetAsync<ApiKeyResponse>(admin.Client, $"/api/v1/workspaces/{workspace.Id}/api-keys/{keyId}")).RevokedAt);
    }

    [Fact]
    public async Task Member_AsksAboutThemselvesOnly()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await app.CreateWorkspaceOnPlanAsync(admin, TestPlans.Enterprise);
        var member = await TestUsers.JoinAsync(app, admin, workspace.Id, "Member");

        Assert.Equal(new AuthorizeResponse(true, "Member", "granted by Member"), await AskAsync(member.Client, workspace.Id, member.Id, "remote-config", "edit"));
        using var response = await member.Client.PostAsJsonAsync(
            $"/api/v1/workspaces/{workspace.Id}/authorize", new { userId = admin.Id, menu = "crm", grant = "edit" }, Cancel);
        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "authorization.self_only");
    }

    [Fact]
    public async Task Authorize_BadQuestion_AnswersFieldErrors()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await app.CreateWorkspaceOnPlanAsync(admin, TestPlans.Enterprise);

        using var response = await admin.Client.PostAsJsonAsync($"/api/v1/workspaces/{workspace.Id}/authorize", new { menu = "payments", grant = "own" }, Cancel);

        await response.AssertValidationProblemAsync("userId", "menu", "grant");
    }

    [Fact]
    public async Task Batch_AnswersInOrder_AndRefusesMoreThanAHundred()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await app.CreateWorkspaceOnPlanAsync(admin, TestPlans.Enterprise);
        var viewer = await TestUsers.JoinAsync(app, admin, workspace.Id, "Viewer");
        var stranger = await TestUsers.RegisterAsync(app);
        var (_, secret) = await admin.Client.CreateApiKeyAsync(workspace.Id);
        var service = KeyClient(secret);
        var path = $"/api/v1/workspaces/{workspace.Id}/authorize/batch";
        object[] checks =
        [
            new { userId = viewer.Id, menu = "ab-test", grant = "edit" },
            new { userId = admin.Id, menu = "ab-test", grant = "edit" },
            new { userId = stranger.Id, menu = "crm", grant = "read-only" },
            new { userId = viewer.Id, menu = "crm", grant = "read-only" },
        ];

        using (var response = await service.PostAsJsonAsync(path, new { checks }, Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var results = (await ApiClient.ReadAsync<AuthorizeBatchResponse>(response)).Results;
            Assert.Equal([false, true, false, true], results.Select(r => r.Allowed));
            Assert.Equal(["Viewer lacks edit on A/B Test", "granted by Admin", "not a member", "granted by Viewer"], results.Select(r => r.Reason));
        }

        var hundred = Enumerable.Range(0, 100).Select(i => new { userId = i % 2 == 0 ? viewer.Id : admin.Id, menu = "crm", grant = "edit" }).ToArray();
        using (var response = await service.PostAsJsonAsync(path, new { checks = hundred }, Cancel))
        {
            var results = (await ApiClient.ReadAsync<AuthorizeBatchResponse>(response)).Results;
            Assert.Equal(Enumerable.Range(0, 100).Select(i => i % 2 != 0), results.Select(r => r.Allowed));
        }

        using (var response = await service.PostAsJsonAsync(path, new { checks = hundred.Append(hundred[0]).ToArray() }, Cancel))
        {
            await response.AssertValidationProblemAsync("checks");
        }

        using (var response = await service.PostAsJsonAsync(path, new { checks = new object[] { checks[0], new { userId = viewer.Id, menu = "nope", grant = "edit" } } }, Cancel))
        {
            await response.AssertValidationProblemAsync("checks[1].menu");
        }

        using (var response = await service.PostAsJsonAsync(path, new { checks = Array.Empty<object>() }, Cancel))
        {
            await response.AssertValidationProblemAsync("checks");
        }
    }

    private HttpClient KeyClient(string secret)
    {
        var client = app.CreateHttpClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return client;
    }

    private static async Task<AuthorizeResponse> AskAsync(HttpClient client, Guid workspaceId, Guid userId, string menu, string grant)
    {
        using var response = await client.PostAsJsonAsync($"/api/v1/workspaces/{workspaceId}/authorize", new { userId, menu, grant }, Cancel);
        await response.EnsureSuccessAsync();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal(["allowed", "permission", "reason"], body.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        return body.Deserialize<AuthorizeResponse>(JsonSerializerOptions.Web)!;
    }
}
