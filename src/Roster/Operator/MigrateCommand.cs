using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Roster.Infrastructure.Data;

namespace Roster.Operator;

/// <summary><c>migrate</c>: applies the database's pending migrations (the server also does at start) and says which.</summary>
public static class MigrateCommand
{
    public static Command Create(OperatorHost host)
    {
        var migrate = new Command("migrate", "Apply the database's pending migrations (the server also applies them when it starts) and list them.");
        migrate.SetAction((parsed, cancellationToken) => host.RunAsync(parsed, MigrateAsync, cancellationToken, needsCurrentSchema: false));
        return migrate;
    }

    private static async Task<int> MigrateAsync(IServiceProvider services, CommandOutput output, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<RosterDbContext>();
        output.Out.WriteLine($"Database: {Describe(db)}");
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        await services.MigrateDatabaseAsync();
        if (pending.Count == 0)
        {
            var applied = (await db.Database.GetAppliedMigrationsAsync(cancellationToken)).Count();
            output.Out.WriteLine($"Up to date: nothing to apply ({applied} migrations applied before).");
            return ExitCodes.Success;
        }

        output.Out.WriteLine($"Applied {pending.Count} migration(s):");
        foreach (var migration in pending)
        {
            output.Out.WriteLine($"  {migration}");
        }

        return ExitCodes.Success;
    }

    /// <summary>Which database, without the connection string (it may hold a password): the SQLite file, or PostgreSQL's server and database.</summary>
    private static string Describe(RosterDbContext db)
    {
        var connection = db.Database.GetDbConnection();
        return db.Database.IsSqlite()
            ? $"SQLite, {Path.GetFullPath(connection.DataSource)}"
            : $"PostgreSQL, database {connection.Database} on {connection.DataSource}";
    }
}
