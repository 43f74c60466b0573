using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Operations;

/// <summary>The tests run alone: they load the machine on purpose, and would make other tests' time limits flaky.</summary>
[CollectionDefinition(nameof(MachineLoad), DisableParallelization = true)]
public sealed class MachineLoad;

/// <summary>One person of a load test: their id and bearer token (many of them share one HTTP client).</summary>
public sealed record LoadPerson(Guid Id, string Email, string Token);

/// <summary>One answer of a load test: what was asked, its status and problem code, how long it took.</summary>
public sealed record LoadAnswer(string Operation, int Status, string? Code, string Body, TimeSpan Elapsed)
{
    public override string ToString() => $"{Operation}: {Status} {Code} in {Elapsed.TotalMilliseconds:0} ms: {Body}";
}

/// <summary>
/// The API calls of the load tests, on one <see cref="HttpClient"/> (its own connection pool: as many connections as
/// requests in flight) with each request's bearer token set on the request.
/// </summary>
public sealed class LoadClient(Uri baseAddress) : IDisposable
{
    /// <summary>The problem codes of a problem+json answer are read from a body this long at most.</summary>
    private const int BodyKept = 600;

    private readonly HttpClient http = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromMinutes(2),
    };

    public HttpClient Http => http;

    /// <summary>Registers a new account (<c>POST /api/v1/auth/register</c>) and signs it in for a bearer token.</summary>
    public async Task<LoadPerson> RegisterAsync(string? email = null, CancellationToken cancellationToken = default)
    {
        email ??= TestUsers.NewEmail();
        using (var register = await http.PostAsJsonAsync("/api/v1/auth/register", new { email, password = TestUsers.Password }, cancellationToken))
        {
            await register.EnsureSuccessAsync();
        }

        var token = await LoginAsync(email, cancellationToken);
        var me = await SendAsync("me", HttpMethod.Get, "/api/v1/me", token, body: null, cancellationToken);
        if (me.Status != 200)
        {
            throw new InvalidOperationException($"/me after sign-in: {me}");
        }

        return new LoadPerson(JsonDocument.Parse(me.Body).RootElement.GetProperty("id").GetGuid(), email, token);
    }

    /// <summary>Signs in with the test password (<c>POST /api/v1/auth/login</c>) and answers the bearer token.</summary>
    public async Task<string> LoginAsync(string email, CancellationToken cancellationToken)
    {
        using var login = await http.PostAsJsonAsync("/api/v1/auth/login", new { email, password = TestUsers.Password }, cancellationToken);
        await login.EnsureSuccessAsync();
        return (await login.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("accessToken").GetString()!;
    }

    /// <summary>Registers <paramref name="count"/> people, <paramref name="parallel"/> at a time.</summary>
    public async Task<LoadPerson[]> RegisterManyAsync(int count, int parallel, CancellationToken cancellationToken)
    {
        var people = new LoadPerson[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = cancellationToken }, async (index, cancel) =>
            people[index] = await RegisterAsync(cancellationToken: cancel));
        return people;
    }

    /// <summary>Sends one request and reads its answer (status, problem code, body), timed.</summary>
    public async Task<LoadAnswer> SendAsync(string operation, HttpMethod method, string path, string token, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        var stopwatch = Stopwatch.StartNew();
        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        stopwatch.Stop();
        string? code = null;
        if (response.Content.Headers.ContentType?.MediaType == "application/problem+json")
        {
            try
            {
                code = JsonDocument.Parse(text).RootElement.TryGetProperty("code", out var found) ? found.GetString() : null;
            }
            catch (JsonException)
            {
                code = "(unreadable problem)";
            }
        }

        return new LoadAnswer(operation, (int)response.StatusCode, code, text, stopwatch.Elapsed);
    }

    /// <summary>Creates a workspace and answers its id.</summary>
    public async Task<Guid> CreateWorkspaceAsync(LoadPerson owner, string name, CancellationToken cancellationToken)
    {
        var created = await SendAsync("create workspace", HttpMethod.Post, "/api/v1/workspaces", owner.Token, new { name }, cancellationToken);
        return created.Status == (int)HttpStatusCode.Created
            ? JsonDocument.Parse(created.Body).RootElement.GetProperty("id").GetGuid()
            : throw new InvalidOperationException(created.ToString());
    }

    /// <summary>Creates an invitation link (unlimited uses) and answers its id and token.</summary>
    public async Task<(Guid Id, string Token)> CreateLinkAsync(LoadPerson admin, Guid workspaceId, string permission, CancellationToken cancellationToken)
    {
        var created = await SendAsync(
            "create link", HttpMethod.Post, $"/api/v1/workspaces/{workspaceId}/invitation-links", admin.Token, new { permission }, cancellationToken);
        if (created.Status != (int)HttpStatusCode.Created)
        {
            throw new InvalidOperationException(created.ToString());
        }

        var root = JsonDocument.Parse(created.Body).RootElement;
        return (root.GetProperty("id").GetGuid(), new Uri(root.GetProperty("url").GetString()!).Segments[^1]);
    }

    /// <summary>Accepts a link (<c>POST /api/v1/invitations/{token}/accept</c>).</summary>
    public Task<LoadAnswer> AcceptAsync(LoadPerson person, string linkToken, CancellationToken cancellationToken) =>
        SendAsync("accept", HttpMethod.Post, $"/api/v1/invitations/{linkToken}/accept", person.Token, body: null, cancellationToken);

    public void Dispose() => http.Dispose();

    /// <summary>CPU time this process has used so far (user and system, from /proc/self/stat), for cost per request.</summary>
    public static TimeSpan ProcessCpuTime()
    {
        // Fields 14 and 15 (utime, stime) in clock ticks, after the command name in parentheses.
        var stat = File.ReadAllText("/proc/self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0);
    }
}
