using Microsoft.EntityFrameworkCore;
using Roster.Infrastructure.Data;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Operations;

/// <summary>
/// Issue 9, part 4: what a commit survives (docs/design.md, Durability). On SQLite, the app's connections run in WAL
/// mode with <c>synchronous = FULL</c>, set by the app itself (<see cref="SqliteDurability"/>), so a committed
/// transaction survives a process crash and a power loss. On PostgreSQL, the server decides: a commit waits for its WAL
/// record to be flushed (<c>synchronous_commit</c> on, the default), which Roster does not turn off.
/// </summary>
public sealed class DurabilityTests(RosterApp app)
{
    [Fact]
    public async Task AppConnection_CommitsDurably()
    {
        var settings = await app.QueryAsync(async db =>
        {
            await db.Database.OpenConnectionAsync(TestContext.Current.CancellationToken);
            try
            {
                return db.Database.IsSqlite()
                    ? (await ScalarAsync(db, "PRAGMA journal_mode;"), await ScalarAsync(db, "PRAGMA synchronous;"))
                    : ("postgresql", await ScalarAsync(db, "SHOW synchronous_commit;"));
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        });

        Assert.Equal(
            TestDatabase.IsPostgreSql ? ("postgresql", "on") : ("wal", SqliteDurability.Synchronous.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            settings);
    }

    private static async Task<string> ScalarAsync(RosterDbContext db, string sql)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken), System.Globalization.CultureInfo.InvariantCulture)!;
    }
}
