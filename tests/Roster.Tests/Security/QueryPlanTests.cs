using System.Data.Common;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Roster.Infrastructure.Data;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Security;

/// <summary>
/// The hot paths stay flat as a workspace grows to 100,000 members (issue 9, item 2): the database's own plan for the
/// query a request sends reads the caller's rows by key, never every membership of the workspace. The query is the
/// one the app really sent (captured by <see cref="CommandCounter"/>), explained by the database it ran on.
/// </summary>
public sealed partial class QueryPlanTests(RosterApp app)
{
    private static readonly CancellationToken Cancel = TestContext.Current.CancellationToken;

    /// <summary>
    /// The security stamp, session and membership read of every signed-in request on a workspace route
    /// (<c>WorkspaceAccess</c>). SQLite does not push the outer user id into the left-joined membership subquery: it read
    /// (and materialized) all 100,000 memberships of a big workspace, about 0.8 s per request, until the subquery named the
    /// user itself.
    /// </summary>
    [Fact]
    public async Task WorkspaceRouteAccessCheck_ReadsTheCallersMembershipByItsKey()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var id = Guid.NewGuid().ToString();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"/api/v1/workspaces/{workspace.Id}/access", UriKind.Relative));
        request.Headers.Add(CommandCounter.Header, id);
        using var response = await admin.Client.SendAsync(request, Cancel);
        await response.EnsureSuccessAsync();
        // The access check (a "last seen" update may follow it on a slow machine, past the session's minute).
        var query = Assert.Single(app.Services.GetRequiredService<CommandCounter>().CommandsOf(id), command => command.Contains("Memberships", StringComparison.Ordinal));

        var plan = await ExplainAsync(query, new Dictionary<string, object>
        {
            ["userId"] = admin.Id,
            ["workspaceId"] = workspace.Id,
            ["sessionHash"] = new string('0', 64),
            ["now"] = DateTimeOffset.UtcNow,
        });

        AssertMembershipsReadByKey(plan);
    }

    private static void AssertMembershipsReadByKey(IReadOnlyList<string> plan)
    {
        var text = string.Join('\n', plan);
        if (TestDatabase.IsPostgreSql)
        {
            // The statistics are fresh (the explain analyzes the table first, as autovacuum does during a long run), and
            // sequential scans are off for it (the test's tables are tiny). Every read of the memberships goes through an
            // index whose condition names the caller: the primary key (WorkspaceId, UserId) or the UserId index, whichever
            // the statistics favour. Both read the caller's own rows, so the cost does not follow the workspace's size; a
            // condition on the workspace alone would.
            Assert.DoesNotContain("Seq Scan on \"Memberships\"", text, StringComparison.Ordinal);
            var access = plan.Select((line, i) => (line, i)).Where(x => x.line.Contains(" on \"Memberships\"", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(access);
            foreach (var (_, i) in access)
            {
                var condition = plan.Skip(i + 1).FirstOrDefault(l => l.TrimStart().StartsWith("Index Cond:", StringComparison.Ordinal)) ?? "";
                Assert.True(condition.Contains("\"UserId\"", StringComparison.Ordinal), $"Memberships are not read by the caller's key:\n{text}");
            }
        }
        else
        {
            // SQLite: every search of the memberships is bounded by the workspace and the user; none is a scan.
            var memberships = plan.Where(l => MembershipsIndex().IsMatch(l)).ToList();
            Assert.NotEmpty(memberships);
            Assert.All(memberships, line => Assert.Contains("UserId=?", line, StringComparison.Ordinal));
            Assert.DoesNotContain(plan, line => line.StartsWith("SCAN m", StringComparison.Ordinal));
        }
    }

    /// <summary>The database's plan for <paramref name="query"/>, one line per row of EXPLAIN (QUERY PLAN on SQLite).</summary>
    private async Task<IReadOnlyList<string>> ExplainAsync(string query, Dictionary<string, object> values)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RosterDbContext>();
        await db.Database.OpenConnectionAsync(Cancel);
        var connection = db.Database.GetDbConnection();
        if (TestDatabase.IsPostgreSql)
        {
            await using var settings = connection.CreateCommand();
            settings.CommandText = "ANALYZE \"Memberships\"; SET enable_seqscan = off";
            await settings.ExecuteNonQueryAsync(Cancel);
        }

        await using var command = connection.CreateCommand();
        command.CommandText = (TestDatabase.IsPostgreSql ? "EXPLAIN " : "EXPLAIN QUERY PLAN ") + query;
        foreach (var name in ParameterName().Matches(query).Select(m => m.Groups[1].Value).Distinct())
        {
            Assert.True(values.ContainsKey(name), $"The query has a parameter @{name} this test does not know: update the test.");
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@" + name;
            parameter.Value = values[name] is DateTimeOffset at && !TestDatabase.IsPostgreSql ? at.UtcTicks : values[name];
            command.Parameters.Add(parameter);
        }

        var lines = new List<string>();
        await using DbDataReader reader = await command.ExecuteReaderAsync(Cancel);
        while (await reader.ReadAsync(Cancel))
        {
            lines.Add(reader.GetString(TestDatabase.IsPostgreSql ? 0 : 3));
        }

        if (TestDatabase.IsPostgreSql)
        {
            await using var reset = connection.CreateCommand();
            reset.CommandText = "RESET enable_seqscan";
            await reader.DisposeAsync();
            await reset.ExecuteNonQueryAsync(Cancel);
        }

        return lines;
    }

    [GeneratedRegex(@"@(\w+)")]
    private static partial Regex ParameterName();

    [GeneratedRegex(@"(Memberships|SEARCH m )")]
    private static partial Regex MembershipsIndex();
}
