using System.Data.Common;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Roster.Infrastructure.Data;
using Roster.Infrastructure.Errors;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Security;

/// <summary>
/// Issue 11, class 5, the backstop: a write that lost a race and reached the top of a request answers 409
/// <c>request.conflict</c> on the API and the calm "changed at the same time" page on the dashboard, never 500. The race
/// is made deterministic: for a request that asks for it, the app's own insert of a new workspace is run once more just
/// before it (as if another request had inserted the same key a moment earlier), so the real insert meets the
/// database's own unique-key refusal (PostgreSQL 23505, SQLite's primary-key constraint).
/// </summary>
public sealed class ConflictBackstopTests : IAsyncLifetime
{
    private IsolatedApp factory = null!;

    public async ValueTask InitializeAsync() => factory = await StartRaceAppAsync();

    public async ValueTask DisposeAsync() => await factory.DisposeAsync();

    [Fact]
    public async Task CreateWorkspace_LosingTheInsertRace_AnswersConflictProblemAndCreatesNothing()
    {
        var client = await SignedInBearerClientAsync(factory);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/workspaces") { Content = JsonContent.Create(new { name = "Raced" }) };
        request.Headers.Add(RaceInterceptor.Header, "1");
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict, ConcurrencyConflicts.Code);
        Assert.Contains("try again", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        using var me = await client.GetAsync(new Uri("/api/v1/me", UriKind.Relative), TestContext.Current.CancellationToken);
        using var body = JsonDocument.Parse(await me.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(0, body.RootElement.GetProperty("workspaces").GetArrayLength());

        // Trying again works.
        using var again = await client.PostAsJsonAsync("/api/v1/workspaces", new { name = "Raced" }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
    }

    [Fact]
    public async Task CreateWorkspacePage_LosingTheInsertRace_ShowsTheConflictPage()
    {
        var browser = await SignedInCookieClientAsync(factory);
        var page = await browser.GetStringAsync(new Uri("/", UriKind.Relative), TestContext.Current.CancellationToken);
        var fields = TestUsers.HiddenFields(page);
        fields["Name"] = "Raced";

        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Add(RaceInterceptor.Header, "1");
        using var response = await browser.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Changed at the same time", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);

        using var form = new FormUrlEncodedContent(fields);
        using var again = await browser.PostAsync(new Uri("/", UriKind.Relative), form, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.StartsWith("/w/", again.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    public static TheoryData<string> Conflicts() => ["concurrency", "postgres-40001", "postgres-40P01", "postgres-23505", "wrapped-postgres-23505", "sqlite-unique", "sqlite-primary-key", "postgres-23503", "sqlite-foreign-key"];

    public static TheoryData<string> Others() => ["sqlite-busy", "invalid-operation", "update-without-cause"];

    [Theory]
    [MemberData(nameof(Conflicts))]
    public void IsConflict_LostRaces_AreConflicts(string kind) => Assert.True(ConcurrencyConflicts.IsConflict(Exception(kind)));

    [Theory]
    [MemberData(nameof(Others))]
    public void IsConflict_OtherFailures_AreNot(string kind) => Assert.False(ConcurrencyConflicts.IsConflict(Exception(kind)));

    private static Exception Exception(string kind) => kind switch
    {
        "concurrency" => new DbUpdateConcurrencyException("expected to affect 1 row, affected 0"),
        "postgres-40001" => new PostgresException("could not serialize access", "ERROR", "ERROR", PostgresErrorCodes.SerializationFailure),
        "postgres-40P01" => new PostgresException("deadlock detected", "ERROR", "ERROR", PostgresErrorCodes.DeadlockDetected),
        "postgres-23505" => new PostgresException("duplicate key", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation),
        "wrapped-postgres-23505" => new DbUpdateException("saving", new PostgresException("duplicate key", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation)),
        "sqlite-unique" => new DbUpdateException("saving", new SqliteException("UNIQUE constraint failed", 19, 2067)),
        "sqlite-primary-key" => new SqliteException("UNIQUE constraint failed: Workspaces.Id", 19, 1555),
        "postgres-23503" => new DbUpdateException("saving", new PostgresException("foreign key", "ERROR", "ERROR", PostgresErrorCodes.ForeignKeyViolation)),
        "sqlite-busy" => new SqliteException("database is locked", 5, 5),
        "sqlite-foreign-key" => new DbUpdateException("saving", new SqliteException("FOREIGN KEY constraint failed", 19, 787)),
        "invalid-operation" => new InvalidOperationException("a bug"),
        _ => new DbUpdateException("saving"),
    };

    /// <summary>
    /// Runs a request's first insert of a workspace once more just before the real one, in the same transaction, when
    /// the request carries <see cref="Header"/>: the other request of a race, made to win every time.
    /// </summary>
    private sealed class RaceInterceptor(IHttpContextAccessor http) : DbCommandInterceptor
    {
        public const string Header = "X-Test-Lose-Insert-Race";

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            await RaceAsync(command, cancellationToken);
            return await base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            await RaceAsync(command, cancellationToken);
            return await base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
        }

        private async Task RaceAsync(DbCommand command, CancellationToken cancellationToken)
        {
            if (http.HttpContext is not { } context
                || context.Request.Headers[Header].Count == 0
                || context.Items.ContainsKey(Header)
                || !command.CommandText.Contains("INSERT INTO \"Workspaces\"", StringComparison.Ordinal))
            {
                return;
            }

            context.Items[Header] = true;
            await using var twin = command.Connection!.CreateCommand();
            twin.Transaction = command.Transaction;
            twin.CommandText = command.CommandText;
            foreach (DbParameter parameter in command.Parameters)
            {
                var copy = twin.CreateParameter();
                copy.ParameterName = parameter.ParameterName;
                copy.DbType = parameter.DbType;
                copy.Value = parameter.Value;
                twin.Parameters.Add(copy);
            }

            await using var reader = await twin.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken) || await reader.NextResultAsync(cancellationToken))
            {
            }
        }
    }

    /// <summary>An app of its own on the suite's database, with <see cref="RaceInterceptor"/> in its contexts.</summary>
    private static Task<IsolatedApp> StartRaceAppAsync() => IsolatedApp.StartAsync(
        // The in-memory server has no address of its own to build the verification email's link from.
        new Dictionary<string, string> { ["Roster:PublicUrl"] = "http://localhost" },
        services: services =>
        {
            services.AddSingleton<RaceInterceptor>();
            services.ConfigureDbContext<SqliteRosterDbContext>((provider, options) => options.AddInterceptors(provider.GetRequiredService<RaceInterceptor>()));
            services.ConfigureDbContext<PostgresRosterDbContext>((provider, options) => options.AddInterceptors(provider.GetRequiredService<RaceInterceptor>()));
        });

    /// <summary>A new account (no workspace: API sign-ups get none) and a client with its bearer token.</summary>
    private static async Task<HttpClient> SignedInBearerClientAsync(IsolatedApp app)
    {
        var (client, email) = await RegisterAsync(app, cookies: false);
        using var login = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = TestUsers.Password }, TestContext.Current.CancellationToken);
        await login.EnsureSuccessAsync();
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("accessToken").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A new account (no workspace) signed in with the dashboard's cookie.</summary>
    private static async Task<HttpClient> SignedInCookieClientAsync(IsolatedApp app)
    {
        var (client, email) = await RegisterAsync(app, cookies: true);
        using var login = await client.PostAsJsonAsync("/api/v1/auth/login?useCookies=true", new { email, password = TestUsers.Password }, TestContext.Current.CancellationToken);
        await login.EnsureSuccessAsync();
        return client;
    }

    private static async Task<(HttpClient Client, string Email)> RegisterAsync(IsolatedApp app, bool cookies)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = cookies });
        var email = TestUsers.NewEmail();
        using var register = await client.PostAsJsonAsync("/api/v1/auth/register", new { email, password = TestUsers.Password }, TestContext.Current.CancellationToken);
        await register.EnsureSuccessAsync();
        return (client, email);
    }
}
