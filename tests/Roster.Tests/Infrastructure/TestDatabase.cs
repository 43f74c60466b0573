using Microsoft.AspNetCore.Hosting;
using Npgsql;

namespace Roster.Tests.Infrastructure;

/// <summary>
/// The database one test app runs on. The suite runs once per provider: <c>ROSTER_TEST_DATABASE</c> is
/// <c>sqlite</c> (the default: a file in the app's data folder) or <c>postgresql</c>, for which
/// <c>ROSTER_TEST_POSTGRES</c> names a server (scripts/test.sh starts a throw-away one) and every app gets a
/// database of its own, dropped at the end.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string? serverConnectionString;
    private readonly string? databaseName;

    private TestDatabase(string provider, string? connectionString, string? serverConnectionString, string? databaseName)
    {
        Provider = provider;
        ConnectionString = connectionString;
        this.serverConnectionString = serverConnectionString;
        this.databaseName = databaseName;
    }

    public static bool IsPostgreSql =>
        string.Equals(Environment.GetEnvironmentVariable("ROSTER_TEST_DATABASE"), "postgresql", StringComparison.OrdinalIgnoreCase);

    /// <summary>The value of <c>Roster:Database:Provider</c>.</summary>
    public string Provider { get; }

    /// <summary>Null for SQLite: the app's default file under its data folder.</summary>
    public string? ConnectionString { get; }

    public static async Task<TestDatabase> CreateAsync()
    {
        if (!IsPostgreSql)
        {
            return new TestDatabase("Sqlite", null, null, null);
        }

        var server = Environment.GetEnvironmentVariable("ROSTER_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(server))
        {
            throw new InvalidOperationException(
                "ROSTER_TEST_DATABASE=postgresql needs ROSTER_TEST_POSTGRES, a server's connection string: run scripts/test.sh, which starts one.");
        }

        var name = $"roster_test_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        var database = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
        return new TestDatabase("PostgreSql", database, server, name);
    }

    public void Apply(IWebHostBuilder builder)
    {
        builder.UseSetting("Roster:Database:Provider", Provider);
        if (ConnectionString is not null)
        {
            builder.UseSetting("ConnectionStrings:Roster", ConnectionString);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (serverConnectionString is null)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(serverConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{databaseName}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
