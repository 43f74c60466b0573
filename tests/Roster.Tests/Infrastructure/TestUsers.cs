using System.Net.Http.Headers;
using System.Net.Http.Json;
using Roster.Features.Accounts;

namespace Roster.Tests.Infrastructure;

/// <summary>A registered user and an HttpClient that carries their bearer token.</summary>
public sealed record TestUser(Guid Id, string Email, string Password, HttpClient Client);

public static class TestUsers
{
    /// <summary>Long enough and not on the common-password list.</summary>
    public const string Password = "roster-test-password-7f3c";

    /// <summary>A fresh address for each test, so tests never share an account.</summary>
    public static string NewEmail(string domain = "example.com") => $"user-{Guid.NewGuid():N}@{domain}";

    /// <summary>Registers through <c>POST /api/v1/auth/register</c>, then signs in with a bearer token.</summary>
    public static async Task<TestUser> RegisterAsync(RosterApp app, string? email = null)
    {
        email ??= NewEmail();
        var client = app.CreateHttpClient();
        using var response = await client.PostAsJsonAsync("/api/v1/auth/register", new { email, password = Password });
        await response.EnsureSuccessAsync();
        return await LoginAsync(app, email);
    }

    /// <summary>Signs in through <c>POST /api/v1/auth/login</c> on a new client (bearer token, no cookie).</summary>
    public static async Task<TestUser> LoginAsync(RosterApp app, string email, string password = Password)
    {
        var client = app.CreateHttpClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await AccessTokenAsync(client, email, password));
        var me = await client.GetMeAsync();
        return new TestUser(me.Id, email, password, client);
    }

    public static async Task<string> AccessTokenAsync(HttpClient client, string email, string password = Password)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password });
        await response.EnsureSuccessAsync();
        var body = await response.Content.ReadFromJsonAsync<LoginResponse>();
        return body?.AccessToken is { Length: > 0 } token ? token : throw new InvalidOperationException("The login answered no access token.");
    }

    /// <summary>A new user who joined the workspace through a fresh link with the given permission.</summary>
    public static async Task<TestUser> JoinAsync(RosterApp app, TestUser admin, Guid workspaceId, string permission)
    {
        var link = await admin.Client.CreateLinkAsync(workspaceId, permission);
        var user = await RegisterAsync(app);
        using var accepted = await user.Client.AcceptAsync(ApiClient.TokenOf(link));
        await accepted.EnsureSuccessAsync();
        return user;
    }

    public static async Task<MeResponse> GetMeAsync(this HttpClient client)
    {
        using var response = await client.GetAsync(new Uri("/api/v1/me", UriKind.Relative));
        await response.EnsureSuccessAsync();
        return await response.Content.ReadFromJsonAsync<MeResponse>() ?? throw new InvalidOperationException("Empty /me.");
    }

    private sealed record LoginResponse(string? TokenType, string? AccessToken, long ExpiresIn, string? RefreshToken);
}
