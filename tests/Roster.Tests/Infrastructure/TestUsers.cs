using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using MimeKit;
using Roster.Features.Accounts;

namespace Roster.Tests.Infrastructure;

/// <summary>A registered user and an HttpClient that carries their bearer token.</summary>
public sealed record TestUser(Guid Id, string Email, string Password, HttpClient Client);

public static partial class TestUsers
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
        using var response = await client.PostAsJsonAsync("/api/v1/auth/register", new { email, password = Password }, TestContext.Current.CancellationToken);
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
        using var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password }, TestContext.Current.CancellationToken);
        await response.EnsureSuccessAsync();
        var body = await response.Content.ReadFromJsonAsync<LoginResponse>(TestContext.Current.CancellationToken);
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

    /// <summary>
    /// Opens a page and posts its form as a browser would: the page's hidden fields (antiforgery token, link tokens) with
    /// <paramref name="fields"/> over them, to <paramref name="pathAndQuery"/> or, with <paramref name="handler"/>, to its
    /// path with <c>?handler=</c>. The caller disposes the answer.
    /// </summary>
    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient browser, string pathAndQuery, string? handler, Dictionary<string, string> fields)
    {
        var cancel = TestContext.Current.CancellationToken;
        var form = HiddenFields(await browser.GetStringAsync(new Uri(pathAndQuery, UriKind.Relative), cancel));
        foreach (var (name, value) in fields)
        {
            form[name] = value;
        }

        var target = handler is null ? pathAndQuery : $"{pathAndQuery.Split('?')[0]}?handler={handler}";
        using var content = new FormUrlEncodedContent(form);
        return await browser.PostAsync(new Uri(target, UriKind.Relative), content, cancel);
    }

    public static bool IsVerificationEmail(MimeMessage message) =>
        message.Subject?.StartsWith("Verify your email", StringComparison.Ordinal) == true;

    /// <summary>
    /// Verifies the user's email with the code of the verification email they received and their password (<c>POST /api/v1/auth/confirm-email</c>,
    /// which creates no workspace, unlike the page's sign-in). The first proof of an address ends every session and token
    /// the account had (AddressProof), so this answers the user signed in again, with a new bearer token.
    /// </summary>
    public static async Task<TestUser> ConfirmEmailAsync(RosterApp app, TestUser user)
    {
        var message = await app.Mailbox.WaitForMessageAsync(user.Email, IsVerificationEmail);
        var query = System.Web.HttpUtility.ParseQueryString(Mailbox.FirstLink(message).Query);
        using var response = await app.CreateHttpClient().PostAsJsonAsync(
            "/api/v1/auth/confirm-email", new { userId = query["userId"], code = query["code"], password = user.Password }, TestContext.Current.CancellationToken);
        await response.EnsureSuccessAsync();
        return await LoginAsync(app, user.Email, user.Password);
    }

    public static async Task<MeResponse> GetMeAsync(this HttpClient client)
    {
        using var response = await client.GetAsync(new Uri("/api/v1/me", UriKind.Relative), TestContext.Current.CancellationToken);
        await response.EnsureSuccessAsync();
        return await response.Content.ReadFromJsonAsync<MeResponse>(TestContext.Current.CancellationToken) ?? throw new InvalidOperationException("Empty /me.");
    }

    /// <summary>The hidden inputs of a page's form, as a browser would post them.</summary>
    public static Dictionary<string, string> HiddenFields(string html)
    {
        var fields = new Dictionary<string, string>();
        foreach (Match input in InputTag().Matches(html))
        {
            var attributes = Attribute().Matches(input.Value).ToDictionary(
                attribute => attribute.Groups["name"].Value, attribute => WebUtility.HtmlDecode(attribute.Groups["value"].Value));
            if (attributes.GetValueOrDefault("type") == "hidden" && attributes.TryGetValue("name", out var name))
            {
                fields[name] = attributes.GetValueOrDefault("value") ?? "";
            }
        }

        return fields;
    }

    [GeneratedRegex("<input[^>]*>")]
    private static partial Regex InputTag();

    [GeneratedRegex("(?<name>[a-z-]+)=\"(?<value>[^\"]*)\"")]
    private static partial Regex Attribute();

    private sealed record LoginResponse(string? TokenType, string? AccessToken, long ExpiresIn, string? RefreshToken);
}
