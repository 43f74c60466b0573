using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Roster.Infrastructure.Data;
using Roster.Infrastructure.Errors;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Operations;

/// <summary>
/// Issue 9, part 4: the database conflicts that can be provoked deterministically, each for real, in a rename of a
/// workspace (<c>PATCH /api/v1/workspaces/{id}</c>, one transaction whose first statement updates the workspace's
/// row): on SQLite, <c>SQLITE_BUSY</c> (another connection holds the write lock past the busy timeout, 1 s here); on
/// PostgreSQL, a serialization failure (40001: a repeatable-read transaction updating a row another committed after
/// its snapshot) and a deadlock (40P01: the request and another transaction each wait for the row the other holds).
/// Each is answered 409 <c>request.conflict</c>, logged at warning and never at error, and nothing was saved; the same
/// rename sent again succeeds. (Unique and primary-key violations: <c>Security/ConflictBackstopTests</c>.)
/// </summary>
public sealed class DatabaseConflictTests
{
    public static TheoryData<string> Kinds() => TestDatabase.IsPostgreSql ? ["serialization", "deadlock"] : ["busy"];

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Rename_MeetingADatabaseConflict_Answers409LogsAWarningAndSavesNothing(string kind)
    {
        var cancel = TestContext.Current.CancellationToken;
        var logs = new LogRecorder();
        var folder = Directory.CreateTempSubdirectory("roster-conflict-").FullName;
        using var removeFolder = new DeletedOnDispose(folder);
        var settings = new Dictionary<string, string> { ["Roster:PublicUrl"] = "http://localhost" };
        if (kind == "busy")
        {
            // The busy timeout (Microsoft.Data.Sqlite's command timeout) down from 30 s to 1 s, so the test is short.
            settings["ConnectionStrings:Roster"] = $"Data Source={Path.Combine(folder, "roster.db")};Default Timeout=1";
        }

        await using var app = await IsolatedApp.StartAsync(settings, logs, services: services =>
        {
            services.Configure<PasswordHasherOptions>(hashing => hashing.IterationCount = 1000);
            services.AddSingleton<ConflictInterceptor>();
            services.ConfigureDbContext<PostgresRosterDbContext>((provider, options) => options.AddInterceptors(provider.GetRequiredService<ConflictInterceptor>()));
        });
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var email = TestUsers.NewEmail();
        using (var register = await client.PostAsJsonAsync("/api/v1/auth/register", new { email, password = TestUsers.Password }, cancel))
        {
            await register.EnsureSuccessAsync();
        }

        using (var login = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = TestUsers.Password }, cancel))
        {
            await login.EnsureSuccessAsync();
            var token = (await login.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(cancel)).GetProperty("accessToken").GetString();
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        var renamed = await client.CreateWorkspaceAsync("Before");
        var other = await client.CreateWorkspaceAsync("Other");
        var connectionString = await ConnectionStringAsync(app);

        // The conflict: SQLite's write lock held by a connection of the test's own; on PostgreSQL, the interceptor's doing.
        await using var holder = kind == "busy" ? await HoldWriteLockAsync(connectionString, cancel) : null;
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/workspaces/{renamed.Id}") { Content = JsonContent.Create(new { name = "After" }) };
        request.Headers.Add(ConflictInterceptor.Header, kind);
        request.Headers.Add(ConflictInterceptor.OtherHeader, other.Id.ToString());
        using var response = await client.SendAsync(request, cancel);

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict, ConcurrencyConflicts.Code);
        Assert.Contains("try again", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("locked", problem.ToString(), StringComparison.OrdinalIgnoreCase);
        var expected = kind switch
        {
            "busy" => "SqliteException 5/5",
            "serialization" => $"PostgresException {PostgresErrorCodes.SerializationFailure}",
            _ => $"PostgresException {PostgresErrorCodes.DeadlockDetected}",
        };
        Assert.Contains(logs.Entries, entry => entry.StartsWith("Warning ", StringComparison.Ordinal) && entry.Contains(expected, StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Entries, entry => entry.StartsWith("Error ", StringComparison.Ordinal) || entry.StartsWith("Critical ", StringComparison.Ordinal));

        if (holder is not null)
        {
            await holder.RollbackAsync(cancel);
        }

        // Nothing was saved; the same rename sent again succeeds.
        Assert.Equal("Before", (await ApiClient.GetAsync<Roster.Features.Workspaces.WorkspaceResponse>(client, $"/api/v1/workspaces/{renamed.Id}")).Name);
        using var again = await client.PatchAsJsonAsync($"/api/v1/workspaces/{renamed.Id}", new { name = "After" }, cancel);
        await again.EnsureSuccessAsync();
        Assert.Equal("After", (await ApiClient.GetAsync<Roster.Features.Workspaces.WorkspaceResponse>(client, $"/api/v1/workspaces/{renamed.Id}")).Name);
    }

    private static async Task<string> ConnectionStringAsync(IsolatedApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return scope.ServiceProvider.GetRequiredService<RosterDbContext>().Database.GetConnectionString()!;
    }

    /// <summary>A transaction of another connection that holds SQLite's write lock (<c>BEGIN IMMEDIATE</c>) until rolled back.</summary>
    private static async Task<SqliteTransactionHolder> HoldWriteLockAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var begin = connection.CreateCommand();
        begin.CommandText = "BEGIN IMMEDIATE;";
        await begin.ExecuteNonQueryAsync(cancellationToken);
        return new SqliteTransactionHolder(connection);
    }

    private sealed class SqliteTransactionHolder(SqliteConnection connection) : IAsyncDisposable
    {
        private bool ended;

        public async Task RollbackAsync(CancellationToken cancellationToken)
        {
            await using var rollback = connection.CreateCommand();
            rollback.CommandText = "ROLLBACK;";
            await rollback.ExecuteNonQueryAsync(cancellationToken);
            ended = true;
        }

        public async ValueTask DisposeAsync()
        {
            if (!ended)
            {
                await RollbackAsync(CancellationToken.None);
            }

            await connection.DisposeAsync();
        }
    }

    /// <summary>
    /// On PostgreSQL, for a request that carries <see cref="Header"/>, makes its rename meet a real conflict. For
    /// <c>serialization</c>: its transaction is made repeatable read with its snapshot taken at once, and just before its
    /// first update of the workspace another connection updates and commits that row. For <c>deadlock</c>: its transaction
    /// first locks the other workspace's row (and waits for deadlocks only 50 ms, so the server picks it as the victim),
    /// another transaction locks the renamed workspace's row and then waits for the other's, and the request's update then
    /// waits for the renamed row: each waits for the other.
    /// </summary>
    private sealed class ConflictInterceptor(IHttpContextAccessor http) : DbCommandInterceptor, IDbTransactionInterceptor
    {
        public const string Header = "X-Test-Database-Conflict";
        public const string OtherHeader = "X-Test-Other-Workspace";

        public async ValueTask<DbTransaction> TransactionStartedAsync(
            DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
        {
            // Every transaction of the request (the rename's among them): its snapshot is taken here, before the other update.
            if (Kind() == "serialization")
            {
                await ExecuteAsync(connection, result, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ; SELECT 1;", cancellationToken);
            }

            return result;
        }

        public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            await ProvokeAsync(command, cancellationToken);
            return await base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            await ProvokeAsync(command, cancellationToken);
            return await base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }

        private string? Kind() => http.HttpContext?.Request.Headers[Header].ToString() is { Length: > 0 } kind ? kind : null;

        private async Task ProvokeAsync(DbCommand command, CancellationToken cancellationToken)
        {
            var kind = Kind();
            if (kind is null || !command.CommandText.StartsWith("UPDATE \"Workspaces\"", StringComparison.Ordinal)
                || !http.HttpContext!.Items.TryAdd(Header + ".provoked", true))
            {
                return;
            }

            var context = http.HttpContext!;
            var renamed = context.Request.RouteValues["workspaceId"]!.ToString()!;
            var other = context.Request.Headers[OtherHeader].ToString();
            var connectionString = command.Connection!.ConnectionString;
            if (kind == "serialization")
            {
                await using var outside = new NpgsqlConnection(connectionString);
                await outside.OpenAsync(cancellationToken);
                await using var touch = new NpgsqlCommand($"UPDATE \"Workspaces\" SET \"Name\" = \"Name\" WHERE \"Id\" = '{Guid.Parse(renamed)}'", outside);
                await touch.ExecuteNonQueryAsync(cancellationToken);
                return;
            }

            // The deadlock: the request holds the other workspace's row...
            await ExecuteAsync(
                command.Connection!, command.Transaction,
                $"SET LOCAL deadlock_timeout = '50ms'; UPDATE \"Workspaces\" SET \"Name\" = \"Name\" WHERE \"Id\" = '{Guid.Parse(other)}';", cancellationToken);

            // ...another transaction takes the renamed row, then waits for the other's (it stays waiting after this returns)...
            var outsider = new NpgsqlConnection(connectionString);
            await outsider.OpenAsync(cancellationToken);
            var transaction = await outsider.BeginTransactionAsync(cancellationToken);
            await using (var take = new NpgsqlCommand(
                $"SET LOCAL deadlock_timeout = '10s'; UPDATE \"Workspaces\" SET \"Name\" = \"Name\" WHERE \"Id\" = '{Guid.Parse(renamed)}';", outsider, transaction))
            {
                await take.ExecuteNonQueryAsync(cancellationToken);
            }

            var waiting = Task.Run(
                async () =>
                {
                    await using (var wait = new NpgsqlCommand($"UPDATE \"Workspaces\" SET \"Name\" = \"Name\" WHERE \"Id\" = '{Guid.Parse(other)}';", outsider, transaction))
                    {
                        await wait.ExecuteNonQueryAsync(CancellationToken.None);
                    }

                    await transaction.RollbackAsync(CancellationToken.None);
                    await transaction.DisposeAsync();
                    await outsider.DisposeAsync();
                },
                CancellationToken.None);
            await WaitUntilBlockedAsync(connectionString, cancellationToken);

            // ...and the request's own update of the renamed row now waits for it: the server aborts the request (40P01).
            _ = waiting;
        }

        /// <summary>Waits until some backend of the database waits for a lock (the other transaction, blocked).</summary>
        private static async Task WaitUntilBlockedAsync(string connectionString, CancellationToken cancellationToken)
        {
            await using var watcher = new NpgsqlConnection(connectionString);
            await watcher.OpenAsync(cancellationToken);
            // Up to 30 s: on a loaded 2-core machine the other transaction may take a while to reach its wait.
            for (var attempt = 0; attempt < 3000; attempt++)
            {
                // A wait for a row held by another transaction is a wait for that transaction's id: no database in pg_locks.
                await using var blocked = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", watcher);
                if ((long)(await blocked.ExecuteScalarAsync(cancellationToken))! > 0)
                {
                    return;
                }

                await Task.Delay(10, cancellationToken);
            }

            throw new InvalidOperationException("The other transaction never waited for the lock.");
        }

        private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
        {
            await using var extra = connection.CreateCommand();
            extra.Transaction = transaction;
            extra.CommandText = sql;
            await extra.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>Deletes the test's folder (its SQLite files, once the pools let them go) when the test ends.</summary>
    private sealed class DeletedOnDispose(string path) : IDisposable
    {
        public void Dispose()
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(path, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a file still open stays in the temp folder.
            }
        }
    }
}
