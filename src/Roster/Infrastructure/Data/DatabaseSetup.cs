using Microsoft.EntityFrameworkCore;

namespace Roster.Infrastructure.Data;

public static class DatabaseSetup
{
    /// <summary>
    /// SQLite under the data folder unless <c>ConnectionStrings:Roster</c> says otherwise. WAL lets readers
    /// run beside the single writer; a busy timeout makes concurrent writers wait instead of failing.
    /// </summary>
    public static IServiceCollection AddRosterDatabase(this IServiceCollection services, IConfiguration configuration, DataFolder dataFolder)
    {
        var connectionString = configuration.GetConnectionString("Roster");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            connectionString = $"Data Source={Path.Combine(dataFolder.Path, "roster.db")}";
        }

        services.AddDbContext<RosterDbContext>(options => options.UseSqlite(connectionString, sqlite =>
            sqlite.MigrationsAssembly(typeof(RosterDbContext).Assembly.FullName)));
        return services;
    }

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

        await db.Database.MigrateAsync();
        if (db.Database.IsSqlite())
        {
            // WAL is a property of the database file: set once, kept across connections.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        }
    }
}
