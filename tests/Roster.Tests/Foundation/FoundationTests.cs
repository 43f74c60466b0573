using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Roster.Features.Accounts;
using Roster.Infrastructure.Authorization;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Foundation;

public sealed class FoundationTests(RosterApp app)
{
    [Fact]
    public async Task Migrations_match_the_model_with_no_pending_changes()
    {
        var pending = await app.QueryAsync(db => Task.FromResult(db.Database.HasPendingModelChanges()));
        Assert.False(pending, "The model has changes no migration captures: run 'dotnet ef migrations add'.");
        var applied = await app.QueryAsync(db => db.Database.GetPendingMigrationsAsync(TestContext.Current.CancellationToken));
        Assert.Empty(applied);
    }

    [Fact]
    public async Task Identitys_bearer_or_cookie_scheme_still_has_the_name_Roster_forwards_to()
    {
        // Identity keeps the name internal; if a new version renamed it, every bearer and cookie request would fail.
        var schemes = app.Services.GetRequiredService<IAuthenticationSchemeProvider>();
        Assert.NotNull(await schemes.GetSchemeAsync(RosterAuthentication.IdentityBearerOrCookieScheme));
        Assert.Equal(RosterAuthentication.Scheme, (await schemes.GetDefaultAuthenticateSchemeAsync())?.Name);
    }

    [Fact]
    public async Task OpenApi_document_lists_the_permission_member_and_authorization_routes()
    {
        using var client = app.CreateHttpClient();
        var document = await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative), TestContext.Current.CancellationToken);
        foreach (var route in new[]
        {
            "/api/v1/menus", "/api/v1/workspaces/{workspaceId}/permissions/{permissionId}", "/api/v1/workspaces/{workspaceId}/members/{userId}",
            "/api/v1/workspaces/{workspaceId}/access", "/api/v1/workspaces/{workspaceId}/authorize", "/api/v1/workspaces/{workspaceId}/authorize/batch",
            "/api/v1/workspaces/{workspaceId}/api-keys/{keyId}",
        })
        {
            Assert.Contains($"\"{route}\"", document, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_common_password_list_ships_at_least_ten_thousand_passwords()
    {
        Assert.True(CommonPasswordValidator.CommonPasswordCount >= 10_000, $"{CommonPasswordValidator.CommonPasswordCount} passwords");
    }

    [Fact]
    public async Task Health_endpoints_answer()
    {
        using var client = app.CreateHttpClient();
        using var alive = await client.GetAsync(new Uri("/healthz", UriKind.Relative), TestContext.Current.CancellationToken);
        using var ready = await client.GetAsync(new Uri("/readyz", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task OpenApi_document_and_reference_are_served()
    {
        using var client = app.CreateHttpClient();
        var document = await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Contains("/api/v1/workspaces/{workspaceId}/invitation-links", document, StringComparison.Ordinal);
        Assert.Contains("/api/v1/invitations/{token}/accept", document, StringComparison.Ordinal);
        using var reference = await client.GetAsync(new Uri("/api/docs/", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.OK, reference.StatusCode);
    }
}
