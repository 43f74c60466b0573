using Microsoft.EntityFrameworkCore;
using Roster.Features.Audit;
using Roster.Infrastructure.Web;

namespace Roster.Tests.Infrastructure;

/// <summary>Audit-log calls and database reads the audit tests make over and over.</summary>
public static class AuditApi
{
    /// <summary>One page of the workspace's log through the API; <paramref name="query"/> is the query string without <c>?</c>.</summary>
    public static Task<Page<AuditEntryResponse>> GetAuditLogAsync(this HttpClient client, Guid workspaceId, string query = "") =>
        ApiClient.GetAsync<Page<AuditEntryResponse>>(client, $"/api/v1/workspaces/{workspaceId}/audit-log?{query}");

    /// <summary>Every entry of the workspace's log through the API, following <c>next</c>.</summary>
    public static async Task<List<AuditEntryResponse>> GetWholeAuditLogAsync(this HttpClient client, Guid workspaceId, string query = "")
    {
        var items = new List<AuditEntryResponse>();
        string? after = null;
        do
        {
            var page = await client.GetAuditLogAsync(workspaceId, $"limit=200&{query}{(after is null ? "" : $"&after={after}")}");
            items.AddRange(page.Items);
            after = page.Next;
        }
        while (after is not null);
        return items;
    }

    /// <summary>The workspace's entries as stored, oldest first.</summary>
    public static Task<List<AuditEntry>> AuditEntriesAsync(this RosterApp app, Guid workspaceId) =>
        app.QueryAsync(db => db.AuditEntries.AsNoTracking().Where(e => e.WorkspaceId == workspaceId)
            .OrderBy(e => e.OccurredAt).ThenBy(e => e.Id).ToListAsync(TestContext.Current.CancellationToken));

    /// <summary>An account's own entries (sign-ins) as stored, oldest first.</summary>
    public static Task<List<AuditEntry>> AccountEntriesAsync(this RosterApp app, Guid userId) =>
        app.QueryAsync(db => db.AuditEntries.AsNoTracking().Where(e => e.AccountId == userId)
            .OrderBy(e => e.OccurredAt).ThenBy(e => e.Id).ToListAsync(TestContext.Current.CancellationToken));

    /// <summary>Gives an account a display name directly (there is no API for it yet).</summary>
    public static Task SetNameAsync(this RosterApp app, Guid userId, string name) =>
        app.QueryAsync(db => db.Users.Where(u => u.Id == userId)
            .ExecuteUpdateAsync(setters => setters.SetProperty(u => u.Name, name), TestContext.Current.CancellationToken));
}
