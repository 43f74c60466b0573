using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Api;

public sealed class InvitationLinksApiTests(RosterApp app)
{
    [Fact]
    public async Task Create_AnswersCreatedWithTheLinkShownOnce()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();

        using var response = await admin.Client.PostAsJsonAsync(
            $"/api/v1/workspaces/{workspace.Id}/invitation-links", new { permission = "Member", maxUses = 3 }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(
            ["expiresAt", "id", "maxUses", "permission", "permissionId", "url", "uses"],
            body.EnumerateObject().Select(property => property.Name).Order(StringComparer.Ordinal));
        var id = body.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/workspaces/{workspace.Id}/invitation-links/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("Member", body.GetProperty("permission").GetString());
        Assert.Equal(3, body.GetProperty("maxUses").GetInt32());
        Assert.Equal(0, body.GetProperty("uses").GetInt32());

        var url = new Uri(body.GetProperty("url").GetString()!);
        Assert.Equal(app.BaseAddress.GetLeftPart(UriPartial.Authority), url.GetLeftPart(UriPartial.Authority));
        Assert.Matches("^/invite/[A-Za-z0-9_-]{43}$", url.AbsolutePath);
        Assert.Equal("", url.Query);
    }

    [Fact]
    public async Task Create_WithoutExpiry_ExpiresInSevenDays()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var before = DateTimeOffset.UtcNow;

        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Viewer");

        Assert.InRange(link.ExpiresAt, before.AddDays(7).AddSeconds(-1), DateTimeOffset.UtcNow.AddDays(7).AddSeconds(1));
        Assert.Null(link.MaxUses);
    }

    [Fact]
    public async Task Create_WithExpiryAndDomains_KeepsThem()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var before = DateTimeOffset.UtcNow;

        var link = await admin.Client.CreateLinkAsync(workspace.Id, "viewer", expiresInDays: 30, allowedDomains: ["@Example.COM", "example.org", "example.com"]);

        Assert.Equal("Viewer", link.Permission);
        Assert.InRange(link.ExpiresAt, before.AddDays(30).AddSeconds(-1), DateTimeOffset.UtcNow.AddDays(30).AddSeconds(1));
        var listed = await admin.Client.GetLinkAsync(workspace.Id, link.Id);
        Assert.Equal(["example.com", "example.org"], listed.AllowedDomains);
    }

    [Fact]
    public async Task Create_AdminLinkWithoutMaxUses_DefaultsToOneUse()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();

        var adminLink = await admin.Client.CreateLinkAsync(workspace.Id, "Admin");
        var explicitAdminLink = await admin.Client.CreateLinkAsync(workspace.Id, "Admin", maxUses: 4);
        var memberLink = await admin.Client.CreateLinkAsync(workspace.Id, "Member");

        Assert.Equal(1, adminLink.MaxUses);
        Assert.Equal(4, explicitAdminLink.MaxUses);
        Assert.Null(memberLink.MaxUses);
    }

    [Theory]
    [InlineData("""{ "permission": "Owner" }""", "permission")]
    [InlineData("""{ }""", "permission")]
    [InlineData("""{ "permission": "Member", "maxUses": 0 }""", "maxUses")]
    [InlineData("""{ "permission": "Member", "maxUses": -1 }""", "maxUses")]
    [InlineData("""{ "permission": "Member", "expiresInDays": 31 }""", "expiresInDays")]
    [InlineData("""{ "permission": "Member", "expiresInDays": 0 }""", "expiresInDays")]
    [InlineData("""{ "permission": "Member", "allowedDomains": ["not a domain"] }""", "allowedDomains")]
    [InlineData("""{ "permission": "Member", "allowedDomains": ["example.com", "http://example.org"] }""", "allowedDomains")]
    [InlineData("""{ "permission": "Root", "maxUses": 0, "expiresInDays": 31, "allowedDomains": ["exa mple.com"] }""", "permission", "maxUses", "expiresInDays", "allowedDomains")]
    public async Task Create_BadInput_AnswersValidationProblemNamingTheFieldsAndCreatesNothing(string json, params string[] fields)
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();

        using var response = await admin.Client.PostJsonAsync($"/api/v1/workspaces/{workspace.Id}/invitation-links", json);

        await response.AssertValidationProblemAsync(fields);
        Assert.Empty(await admin.Client.ListLinksAsync(workspace.Id));
    }

    [Fact]
    public async Task List_AnswersFingerprintStatusUsesAndCreatorButNoToken()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var older = await admin.Client.CreateLinkAsync(workspace.Id, "Member", maxUses: 2);
        var newer = await admin.Client.CreateLinkAsync(workspace.Id, "Viewer");
        using var accepted = await (await TestUsers.RegisterAsync(app)).Client.AcceptAsync(ApiClient.TokenOf(older));
        await accepted.EnsureSuccessAsync();

        using var response = await admin.Client.GetAsync(new Uri($"/api/v1/workspaces/{workspace.Id}/invitation-links", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.DoesNotContain(ApiClient.TokenOf(older), text, StringComparison.Ordinal);
        Assert.DoesNotContain(ApiClient.TokenOf(newer), text, StringComparison.Ordinal);
        var links = JsonDocument.Parse(text).RootElement.EnumerateArray().ToList();
        Assert.Equal([newer.Id, older.Id], links.Select(link => link.GetProperty("id").GetGuid()));
        Assert.All(links, link => Assert.Equal(
            ["allowedDomains", "createdAt", "createdBy", "createdByName", "expiresAt", "fingerprint", "id", "maxUses", "permission", "permissionId", "revokedAt", "revokedBy", "revokedByName", "status", "uses"],
            link.EnumerateObject().Select(property => property.Name).Order(StringComparer.Ordinal)));

        var listed = links[1];
        Assert.Equal(Sha256Hex(ApiClient.TokenOf(older))[..8], listed.GetProperty("fingerprint").GetString());
        Assert.Equal("Member", listed.GetProperty("permission").GetString());
        Assert.Equal(admin.Id, listed.GetProperty("createdBy").GetGuid());
        Assert.Equal(admin.Email, listed.GetProperty("createdByName").GetString());
        Times.AssertSameInstant(older.ExpiresAt, listed.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.Equal(2, listed.GetProperty("maxUses").GetInt32());
        Assert.Equal(1, listed.GetProperty("uses").GetInt32());
        Assert.Equal("active", listed.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, listed.GetProperty("revokedAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, listed.GetProperty("revokedBy").ValueKind);
        Assert.Equal(JsonValueKind.Null, listed.GetProperty("revokedByName").ValueKind);
        Assert.Equal(0, listed.GetProperty("allowedDomains").GetArrayLength());
        Assert.Equal(0, links[0].GetProperty("uses").GetInt32());
        Assert.Equal(JsonValueKind.Null, links[0].GetProperty("maxUses").ValueKind);
    }

    [Fact]
    public async Task Revoke_AnswersNoContentAndTheLinkStopsWorkingAtOnce()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Member");
        var before = DateTimeOffset.UtcNow;

        using var revoked = await admin.Client.DeleteAsync(new Uri($"/api/v1/workspaces/{workspace.Id}/invitation-links/{link.Id}", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        var listed = await admin.Client.GetLinkAsync(workspace.Id, link.Id);
        Assert.Equal("revoked", listed.Status);
        Assert.NotNull(listed.RevokedAt);
        Assert.InRange(listed.RevokedAt.Value, before.AddSeconds(-5), DateTimeOffset.UtcNow.AddSeconds(5));
        using var preview = await app.CreateHttpClient().PreviewAsync(ApiClient.TokenOf(link));
        await preview.AssertProblemAsync(HttpStatusCode.Gone, "invitation.revoked");
    }

    [Fact]
    public async Task Revoke_Twice_KeepsTheFirstRevocation()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Member");
        var path = new Uri($"/api/v1/workspaces/{workspace.Id}/invitation-links/{link.Id}", UriKind.Relative);
        using var first = await admin.Client.DeleteAsync(path, TestContext.Current.CancellationToken);
        var revokedAt = (await admin.Client.GetLinkAsync(workspace.Id, link.Id)).RevokedAt;

        using var second = await admin.Client.DeleteAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NoContent, second.StatusCode);
        Assert.Equal(revokedAt, (await admin.Client.GetLinkAsync(workspace.Id, link.Id)).RevokedAt);
    }

    [Fact]
    public async Task Revoke_UnknownLink_AnswersNotFound()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();

        using var response = await admin.Client.DeleteAsync(new Uri($"/api/v1/workspaces/{workspace.Id}/invitation-links/{Guid.NewGuid()}", UriKind.Relative), TestContext.Current.CancellationToken);

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "invitation_link.not_found");
    }

    [Fact]
    public async Task Revoke_LinkOfAnotherWorkspaceTheCallerAdministers_AnswersNotFoundAndLeavesItActive()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var first = await admin.Client.CreateWorkspaceAsync();
        var second = await admin.Client.CreateWorkspaceAsync();
        var link = await admin.Client.CreateLinkAsync(second.Id, "Member");

        using var response = await admin.Client.DeleteAsync(new Uri($"/api/v1/workspaces/{first.Id}/invitation-links/{link.Id}", UriKind.Relative), TestContext.Current.CancellationToken);

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "invitation_link.not_found");
        Assert.Equal("active", (await admin.Client.GetLinkAsync(second.Id, link.Id)).Status);
    }

    private static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
