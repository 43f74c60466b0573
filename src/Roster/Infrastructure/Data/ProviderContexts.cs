using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Roster.Infrastructure.Data;

/// <summary>The model on SQLite, with the migrations in <c>Migrations/Sqlite</c>.</summary>
public sealed class SqliteRosterDbContext(DbContextOptions<SqliteRosterDbContext> options) : RosterDbContext(options);

/// <summary>The model on PostgreSQL, with the migrations in <c>Migrations/PostgreSql</c>.</summary>
public sealed class PostgresRosterDbContext(DbContextOptions<PostgresRosterDbContext> options) : RosterDbContext(options);

/// <summary>Lets <c>dotnet ef</c> build the SQLite context without starting the app.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteRosterDbContext>
{
    public SqliteRosterDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteRosterDbContext>().UseSqlite("Data Source=design-time.db").Options);
}

/// <summary>Lets <c>dotnet ef</c> build the PostgreSQL context without a server.</summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresRosterDbContext>
{
    public PostgresRosterDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresRosterDbContext>().UseNpgsql("Host=localhost;Database=roster").Options);
}
