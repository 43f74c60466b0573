using System.Net.Http.Json;
using System.Text;
using Roster.Features.Invitations;
using Roster.Features.Members;
using Roster.Features.Permissions;
using Roster.Features.Workspaces;
using Roster.Infrastructure.Web;

namespace Roster.Tests.Infrastructure;

/// <summary>The API calls tests make over and over, on a signed-in client.</summary>
public static class ApiClient
{
    public static async Task<WorkspaceResponse> CreateWorkspaceAsync(this HttpClient client, string? name = null)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/workspaces", new { name = name ?? $"Team {Guid.NewGuid():N}" }, TestContext.Current.CancellationToken);
        await response.EnsureSuccessAsync();
        return await ReadAsync<WorkspaceResponse>(response);
    }

    public static async Task<CreatedInvitationLinkResponse> CreateLinkAsync(
        this HttpClient client, Guid workspaceId, string permission, int? expiresInDays = null, int? maxUses = null, string[]? allowedDomains = null)
    {
        using var response = await client.PostAsJsonAsync(
            $"/api/v1/workspaces/{workspaceId}/invitation-links",
            new CreateInvitationLinkRequest(permission, expiresInDays, maxUses, allowedDomains), TestContext.Current.CancellationToken);
        await response.EnsureSuccessAsync();
        return await ReadAsync<CreatedInvitationLinkResponse>(response);
    }

    public static Task<List<InvitationLinkResponse>> ListLinksAsync(this HttpClient client, Guid workspaceId) =>
        GetAsync<List<InvitationLinkResponse>>(client, $"/api/v1/workspaces/{workspaceId}/invitation-links");

    public static async Task<InvitationLinkResponse> GetLinkAsync(this HttpClient client, Guid workspaceId, Guid linkId) =>
        (await client.ListLinksAsync(workspaceId)).Single(link => link.Id == linkId);

    /// <summary>Every member (one page of up to 200, which is all a test workspace has).</summary>
    public static async Task<List<MemberResponse>> ListMembersAsync(this HttpClient client, Guid workspaceId) =>
        [.. (await GetAsync<Page<MemberResponse>>(client, $"/api/v1/workspaces/{workspaceId}/members?limit=200")).Items];

    /// <summary>Creates a custom permission; <paramref name="grants"/> maps menu keys to grant wire names.</summary>
    public static async Task<PermissionResponse> CreatePermissionAsync(
        this HttpClient client, Guid workspaceId, string name, IReadOnlyDictionary<string, IReadOnlyList<string>> grants)
    {
        using var response = await client.PostAsJsonAsync(
            $"/api/v1/workspaces/{workspaceId}/permissions", new PermissionRequest(name, grants), TestContext.Current.CancellationToken);
        await response.EnsureSuccessAsync();
        return await ReadAsync<PermissionResponse>(response);
    }

    public static Task<HttpResponseMessage> AcceptAsync(this HttpClient client, string token) =>
        client.PostAsync(new Uri($"/api/v1/invitations/{token}/accept", UriKind.Relative), content: null, TestContext.Current.CancellationToken);

    public static Task<HttpResponseMessage> PreviewAsync(this HttpClient client, string token) =>
        client.GetAsync(new Uri($"/api/v1/invitations/{token}", UriKind.Relative), TestContext.Current.CancellationToken);

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, string json) =>
        client.PostAsync(new Uri(path, UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

    /// <summary>The link's token: the last path segment of its URL.</summary>
    public static string TokenOf(CreatedInvitationLinkResponse link) => new Uri(link.Url).Segments[^1];

    public static async Task<T> GetAsync<T>(HttpClient client, string path)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);
        await response.EnsureSuccessAsync();
        return await ReadAsync<T>(response);
    }

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<T>(TestContext.Current.CancellationToken) ?? throw new InvalidOperationException($"Empty body for {typeof(T).Name}.");

    /// <summary>Like EnsureSuccessStatusCode, but the failure shows the answer's body.</summary>
    public static async Task EnsureSuccessAsync(this HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            throw new HttpRequestException(
                $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {body}",
                inner: null,
                response.StatusCode);
        }
    }
}
