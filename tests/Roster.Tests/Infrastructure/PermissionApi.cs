using System.Net.Http.Json;
using Roster.Features.Permissions;

namespace Roster.Tests.Infrastructure;

/// <summary>Permission, member and API-key calls tests make over and over, on a signed-in client.</summary>
public static class PermissionApi
{
    public static async Task<PermissionResponse> CreatePermissionAsync(
        this HttpClient client, Guid workspaceId, string name, IReadOnlyDictionary<string, string[]> grants)
    {
        using var response = await client.PostAsJsonAsync($"/api/v1/workspaces/{workspaceId}/permissions", new { name, grants }, TestContext.Current.CancellationToken);
        await response.EnsureSuccessAsync();
        return await ApiClient.ReadAsync<PermissionResponse>(response);
    }

    /// <summary>The same grants on every default menu.</summary>
    public static IReadOnlyDictionary<string, string[]> OnEveryMenu(params string[] grants) =>
        MenuCatalog.Default.All.ToDictionary(menu => menu.Key, _ => grants);

    public static Task<HttpResponseMessage> ChangePermissionAsync(this HttpClient client, Guid workspaceId, Guid userId, string permission) =>
        client.PatchAsJsonAsync($"/api/v1/workspaces/{workspaceId}/members/{userId}", new { permission }, TestContext.Current.CancellationToken);

    public static Task<HttpResponseMessage> RemoveMemberAsync(this HttpClient client, Guid workspaceId, Guid userId) =>
        client.DeleteAsync(new Uri($"/api/v1/workspaces/{workspaceId}/members/{userId}", UriKind.Relative), TestContext.Current.CancellationToken);

    /// <summary>Creates an API key and returns its id and secret.</summary>
    public static async Task<(Guid Id, string Secret)> CreateApiKeyAsync(this HttpClient client, Guid workspaceId, string name = "flags service")
    {
        using var response = await client.PostAsJsonAsync($"/api/v1/workspaces/{workspaceId}/api-keys", new { name }, TestContext.Current.CancellationToken);
        await response.EnsureSuccessAsync();
        var created = await ApiClient.ReadAsync<Roster.Features.ApiKeys.CreatedApiKeyResponse>(response);
        return (created.Id, created.Key);
    }
}
