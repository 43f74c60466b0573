using System.Buffers.Text;
using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Roster.Infrastructure.Data;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Security;

public sealed class InvitationTokenStorageTests(RosterApp app)
{
    [Fact]
    public async Task CreateLink_TokenCarries256BitsAndOnlyItsSha256IsStored()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();

        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Member");

        var token = ApiClient.TokenOf(link);
        Assert.Matches("^[A-Za-z0-9_-]{43}$", token);
        Assert.Equal(32, Base64Url.DecodeFromChars(token).Length);
        var expectedHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RosterDbContext>();
        var stored = await db.InvitationLinks.AsNoTracking().SingleAsync(l => l.Id == link.Id, TestContext.Current.CancellationToken);
        Assert.Equal(expectedHash, stored.TokenHash);

        var columns = await ReadRowAsync(db, link.Id);
        Assert.Contains(columns, column => column.Value == expectedHash);
        Assert.All(columns, column => Assert.DoesNotContain(token, column.Value, StringComparison.Ordinal));
    }

    [Fact]
    public async Task CreateLink_TokenAppearsInNoTableOfTheDatabase()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Member");
        var token = ApiClient.TokenOf(link);

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RosterDbContext>();
        var tables = db.Model.GetEntityTypes().Select(entity => entity.GetTableName()).OfType<string>().Distinct().ToList();
        Assert.Contains("InvitationLinks", tables);
        var values = 0;
        foreach (var table in tables)
        {
            foreach (var row in await ReadRowsAsync(db, $"SELECT * FROM \"{table}\""))
            {
                foreach (var (column, value) in row)
                {
                    values++;
                    Assert.False(value.Contains(token, StringComparison.Ordinal), $"{table}.{column} holds the token.");
                }
            }
        }

        Assert.True(values > 0);
        if (!TestDatabase.IsPostgreSql)
        {
            // SQLite: not in the file nor in its write-ahead log either (a deleted or overwritten value can linger there).
            var tokenBytes = Encoding.UTF8.GetBytes(token);
            foreach (var file in Directory.GetFiles(app.DataFolder, "roster.db*"))
            {
                var bytes = await ReadInAnotherProcessAsync(file);
                Assert.True(bytes.AsSpan().IndexOf(tokenBytes) < 0, $"{Path.GetFileName(file)} holds the token.");
            }
        }
    }

    /// <summary>
    /// The bytes of a database file, read by <c>cat</c> in a process of its own. Opening and closing the file in this
    /// process would drop every POSIX lock SQLite holds on it here (locks are per process and file, and any close ends
    /// them), and another process's connection could then checkpoint and remove the write-ahead log under the app.
    /// </summary>
    private static async Task<byte[]> ReadInAnotherProcessAsync(string file)
    {
        var start = new System.Diagnostics.ProcessStartInfo("cat") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(file);
        using var process = System.Diagnostics.Process.Start(start) ?? throw new InvalidOperationException("cat did not start.");
        using var copy = new MemoryStream();
        await process.StandardOutput.BaseStream.CopyToAsync(copy, TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, process.ExitCode);
        return copy.ToArray();
    }

    /// <summary>Every column of the link's row as text, read with plain SQL so no mapping hides a column.</summary>
    private static async Task<Dictionary<string, string>> ReadRowAsync(RosterDbContext db, Guid linkId)
    {
        var rows = await ReadRowsAsync(db, """SELECT * FROM "InvitationLinks" """);
        var row = rows.SingleOrDefault(columns => Guid.TryParse(columns["Id"], out var id) && id == linkId);
        Assert.True(row is not null, "The link's row was not found.");
        return row;
    }

    private static async Task<List<Dictionary<string, string>>> ReadRowsAsync(RosterDbContext db, string sql)
    {
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open)
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
        }

        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using DbDataReader reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var rows = new List<Dictionary<string, string>>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            var columns = new Dictionary<string, string>();
            for (var i = 0; i < reader.FieldCount; i++)
            {
                columns[reader.GetName(i)] = reader.GetValue(i) switch
                {
                    byte[] bytes => Encoding.UTF8.GetString(bytes),
                    var value => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
                };
            }

            rows.Add(columns);
        }

        return rows;
    }
}
