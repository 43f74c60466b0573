using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Roster.Infrastructure.Data;

/// <summary>
/// What every connection of the app's contexts is set up with, beside <see cref="DatabaseSetup"/>'s provider choice:
/// SQLite's durability (<see cref="SqliteDurability"/>) and the level EF Core logs a failed statement at.
/// </summary>
public static class DatabaseConnections
{
    /// <summary>
    /// Adds the settings to the contexts' options (composed with <see cref="DatabaseSetup.AddRosterDatabase"/>'s, pooled
    /// or not). EF Core logs a statement or save that failed (<c>CommandError</c>, <c>SaveChangesFailed</c>,
    /// <c>QueryIterationFailed</c>) at warning instead of error: the failure itself decides the level one layer up. A
    /// lost race (a duplicate key, a serialization failure, a busy SQLite) is caught by its use case or answered 409 and
    /// is worth a warning; anything else reaches the exception handler, which logs it at error with its stack. Without
    /// this, every race two people lose fairly would print error lines an operator would rightly take for a fault.
    /// </summary>
    public static IServiceCollection AddRosterConnectionSettings(this IServiceCollection services)
    {
        services.ConfigureDbContext<SqliteRosterDbContext>(options => options.AddInterceptors(SqliteDurability.Interceptor).ConfigureWarnings(FailuresAsWarnings));
        services.ConfigureDbContext<PostgresRosterDbContext>(options => options.ConfigureWarnings(FailuresAsWarnings));
        return services;
    }

    private static void FailuresAsWarnings(WarningsConfigurationBuilder warnings) => warnings.Log(
        (RelationalEventId.CommandError, LogLevel.Warning),
        (CoreEventId.SaveChangesFailed, LogLevel.Warning),
        (CoreEventId.QueryIterationFailed, LogLevel.Warning));
}

/// <summary>
/// SQLite's <c>synchronous</c> setting, set to <c>FULL</c> on every connection rather than left to the library's build:
/// in WAL mode, FULL syncs the write-ahead log on every commit, so a committed transaction survives a process crash and
/// a power loss; NORMAL would sync only at checkpoints (a power loss could then take the last commits, though never
/// corrupt the file). It is what the bundled SQLite (e_sqlite3, <c>SQLITE_DEFAULT_WAL_SYNCHRONOUS=2</c>) uses by
/// default today; saying it here keeps it so when the library changes (docs/design.md, Durability).
/// </summary>
public sealed class SqliteDurability : DbConnectionInterceptor
{
    /// <summary>The value of <c>PRAGMA synchronous</c> on Roster's connections: 2, FULL.</summary>
    public const int Synchronous = 2;

    /// <summary>The one instance every SQLite context shares (it keeps the native connections it has set up).</summary>
    public static readonly SqliteDurability Interceptor = new();

    // The setting belongs to the native connection, which Microsoft.Data.Sqlite pools and hands to many opens: set it
    // once per native connection, not once per request.
    private readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> setUp = [];

    private SqliteDurability()
    {
    }

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (NeedsSetUp(connection) is { } command)
        {
            using (command)
            {
                command.ExecuteNonQuery();
            }
        }
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (NeedsSetUp(connection) is { } command)
        {
            await using (command)
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }
    }

    private SqliteCommand? NeedsSetUp(DbConnection connection)
    {
        if (connection is not SqliteConnection { Handle: { } handle } sqlite || setUp.TryGetValue(handle, out _))
        {
            return null;
        }

        setUp.AddOrUpdate(handle, this);
        var command = sqlite.CreateCommand();
        command.CommandText = $"PRAGMA synchronous = {Synchronous};";
        return command;
    }
}
