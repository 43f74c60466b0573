using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Roster.Features.CompanyDomains;
using Roster.Features.JoinRequests;
using Roster.Features.Workspaces;
using Roster.Infrastructure.Email;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.CompanyDomains;

/// <summary>People at a company domain, and the company-domain API calls the tests make over and over.</summary>
public static class DomainPeople
{
    /// <summary>A domain no other test uses (tests share one database).</summary>
    public static string NewDomain(string name = "acme") => $"{name}-{Guid.NewGuid():N}.test";

    /// <summary>A user registered at the domain whose address is verified through the emailed link (the real path).</summary>
    public static async Task<TestUser> VerifiedAsync(RosterApp app, string domain) =>
        await TestUsers.ConfirmEmailAsync(app, await TestUsers.RegisterAsync(app, TestUsers.NewEmail(domain)));

    /// <summary>
    /// A user at the domain marked verified in the database: for punycode domains, whose verification email the test
    /// mailbox files under the address's Unicode form (MimeKit decodes it), so <see cref="VerifiedAsync"/> cannot find it.
    /// </summary>
    public static async Task<TestUser> VerifiedInDatabaseAsync(RosterApp app, string domain)
    {
        var user = await TestUsers.RegisterAsync(app, TestUsers.NewEmail(domain));
        await app.QueryAsync(db => db.Users.Where(u => u.Id == user.Id)
            .ExecuteUpdateAsync(set => set.SetProperty(u => u.EmailConfirmed, true), TestContext.Current.CancellationToken));
        return user;
    }

    /// <summary>An Admin verified at the domain with a new workspace, which takes the domain (policy request).</summary>
    public static async Task<(TestUser Admin, WorkspaceResponse Workspace)> CompanyAsync(RosterApp app, string domain, string? plan = null)
    {
        var admin = await VerifiedAsync(app, domain);
        var workspace = await admin.Client.CreateWorkspaceAsync($"Company {domain}");
        if (plan is not null)
        {
            await app.SetPlanAsync(workspace.Id, plan);
        }

        return (admin, workspace);
    }

    public static Task<HttpResponseMessage> PatchWorkspaceAsync(this HttpClient client, Guid workspaceId, object body) =>
        client.PatchAsJsonAsync(new Uri($"/api/v1/workspaces/{workspaceId}", UriKind.Relative), body, TestContext.Current.CancellationToken);

    public static Task<List<DiscoverableWorkspaceResponse>> DiscoverAsync(this HttpClient client) =>
        ApiClient.GetAsync<List<DiscoverableWorkspaceResponse>>(client, "/api/v1/me/discoverable-workspaces");

    public static Task<HttpResponseMessage> RequestToJoinAsync(this HttpClient client, Guid workspaceId) =>
        client.PostAsync(new Uri($"/api/v1/workspaces/{workspaceId}/join-requests", UriKind.Relative), null, TestContext.Current.CancellationToken);

    public static async Task<List<PendingJoinRequest>> PendingAsync(this HttpClient client, Guid workspaceId) =>
        [.. (await ApiClient.GetAsync<Roster.Infrastructure.Web.Page<PendingJoinRequest>>(client, $"/api/v1/workspaces/{workspaceId}/join-requests")).Items];

    public static Task<HttpResponseMessage> ApproveAsync(this HttpClient client, Guid workspaceId, Guid requestId, string permission) =>
        client.PostAsJsonAsync(new Uri($"/api/v1/workspaces/{workspaceId}/join-requests/{requestId}/approve", UriKind.Relative), new { permission }, TestContext.Current.CancellationToken);

    public static Task<HttpResponseMessage> DeclineAsync(this HttpClient client, Guid workspaceId, Guid requestId) =>
        client.PostAsync(new Uri($"/api/v1/workspaces/{workspaceId}/join-requests/{requestId}/decline", UriKind.Relative), null, TestContext.Current.CancellationToken);

    /// <summary>The outbox rows addressed to <paramref name="to"/> (any status), oldest first.</summary>
    public static Task<List<OutboxMessage>> OutboxToAsync(this RosterApp app, string to) =>
        app.QueryAsync(db => db.OutboxMessages.AsNoTracking().Where(m => m.To == to).OrderBy(m => m.CreatedAt).ToListAsync(TestContext.Current.CancellationToken));
}
