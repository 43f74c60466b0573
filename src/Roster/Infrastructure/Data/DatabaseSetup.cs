using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Roster.Features.Accounts;

namespace Roster.Infrastructure.Data;

/// <summary>Which database Roster runs on: <c>Roster:Database:Provider</c>.</summary>
public enum DatabaseProvider
{
    Sqlite,
    PostgreSql,
}

public static class DatabaseSetup
{
    /// <summary>
    /// SQLite under the data folder unless configured otherwise; PostgreSQL with <c>Roster:Database:Provider</c>
    /// set to <c>PostgreSql</c> and <c>ConnectionStrings:Roster</c>. Features ask for <see cref="RosterDbContext"/>.
    /// </summary>
    /// <remarks>
    /// Contexts are pooled: building a context's options and internal services on every request was a large part of
    /// the authorization API's time (bench/, docs/benchmarks.md). A pooled context is reset when its request ends, so it
    /// carries nothing from one request to the next; its options, and so its interceptors, are built once from the
    /// root services (the interceptors' dependencies are singletons).
    /// </remarks>
    public static IServiceCollection AddRosterDatabase(this IServiceCollection services, IConfiguration configuration, DataFolder dataFolder)
    {
        var provider = configuration.GetValue("Roster:Database:Provider", DatabaseProvider.Sqlite);
        var connectionString = configuration.GetConnectionString("Roster");
        switch (provider)
        {
            case DatabaseProvider.PostgreSql:
                if (string.IsNullOrWhiteSpace(connectionString))
                {
                    throw new InvalidOperationException("Roster:Database:Provider is PostgreSql: set ConnectionStrings:Roster too.");
                }

                services.AddDbContextPool<PostgresRosterDbContext>((services, options) => options.UseNpgsql(connectionString).AddInterceptors(Interceptors(services)));
                services.AddScoped<RosterDbContext>(provider => provider.GetRequiredService<PostgresRosterDbContext>());
                break;
            default:
                if (string.IsNullOrWhiteSpace(connectionString))
                {
                    connectionString = $"Data Source={Path.Combine(dataFolder.Path, "roster.db")}";
                }

                // One writer at a time, queued in process (SqliteWriteGate) rather than in SQLite's busy retries.
                services.AddSingleton<SqliteWriteGate>();
                services.AddDbContextPool<SqliteRosterDbContext>((services, options) => options.UseSqlite(connectionString)
                    .AddInterceptors(Interceptors(services)).AddInterceptors(new SqliteWriteGateInterceptor(services.GetRequiredService<SqliteWriteGate>())));
                services.AddScoped<RosterDbContext>(provider => provider.GetRequiredService<SqliteRosterDbContext>());
                break;
        }

        return services.AddRosterConnectionSettings();
    }

    private static IInterceptor[] Interceptors(IServiceProvider services) =>
        [new UserCreatedAtInterceptor(services.GetRequiredService<TimeProvider>()), new Email.OutboxCommitInterceptor(services.GetRequiredService<Email.OutboxSignal>())];

    /// <summary>Applies the migrations at start. EF Core takes a database lock, so several instances may start at once.</summary>
    public static async Task MigrateDatabaseAsync(this IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RosterDbContext>();
        if (db.Database.IsSqlite())
        {
            var source = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
            var folder = Path.GetDirectoryName(Path.GetFullPath(source));
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }
        }

        // The migrations' history table first (CREATE TABLE IF NOT EXISTS): on a fresh PostgreSQL database, EF Core's
        // migrator otherwise reads the table before creating it, and that failed read is logged at error level on
        // every first start, which an operator would rightly take for a fault.
        await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync();
        await db.Database.MigrateAsync();
        if (db.Database.IsSqlite())
        {
            // WAL is a property of the database file: set once, kept across connections. Readers then run
            // beside the single writer, and writers wait for each other (busy timeout) instead of failing.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        }
    }
}
