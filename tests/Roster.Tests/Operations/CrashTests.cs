using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Roster.Features.Accounts;
using Roster.Infrastructure.Data;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Operations;

/// <summary>
/// Issue 9, part 4: the server process is killed (SIGKILL, no shutdown of any kind) in the middle of a burst of
/// accepts of one link by distinct people, then started again on the same database. The database passes its
/// integrity check, every accept answered 2xx is a membership, no link counts a use without its membership, no
/// workspace's member count disagrees with its rows, and the restarted server answers and takes the next accept.
/// </summary>
/// <remarks>
/// The server is the built <c>Roster.dll</c> run with <c>dotnet</c> as an operator would, configured by environment
/// variables like the tests' apps (<c>Roster__...</c>). People and their bearer tokens are made beforehand by an app of
/// the test's own on the same database (accounts through Identity, sign-in through its API, password hashing at test
/// strength): tokens are data-protected with keys kept in the database, so the server reads them as its own, and the
/// burst itself needs no password work. It runs beside other tests (a burst of 80 accepts loads the machine little, and
/// nothing in it is timed), unlike the contention test.
/// </remarks>
public sealed partial class CrashTests
{
    /// <summary>The people of the burst; the server is killed once <see cref="KillAfter"/> of them were answered.</summary>
    private const int People = 80;

    private const int KillAfter = 30;

    /// <summary>Requests in flight during the burst: enough that several are cut off by the kill.</summary>
    private const int InFlight = 16;

    [Fact]
    public async Task Sigkill_DuringAcceptBurst_KeepsEveryAnsweredAcceptAndConsistentCounts()
    {
        var cancel = TestContext.Current.CancellationToken;
        var stopwatch = Stopwatch.StartNew();
        await using var seeder = await IsolatedApp.StartAsync(
            new Dictionary<string, string> { ["Roster:Plans:Default"] = "Enterprise" },
            services: services => services.Configure<PasswordHasherOptions>(hashing => hashing.IterationCount = 1000));
        var connectionString = await QueryAsync(seeder, db => Task.FromResult(db.Database.GetConnectionString()!));

        // The owner, the workspace and its link, and the people, all before the server starts.
        var seedClient = seeder.CreateClient();
        var owner = await SeedAccountAsync(seeder, seedClient, cancel);
        var people = new LoadPerson[People];
        for (var index = 0; index < People; index++)
        {
            people[index] = await SeedAccountAsync(seeder, seedClient, cancel);
        }

        await using var server = await ServerProcess.StartAsync(seeder.DataFolder, connectionString, cancel);
        using var client = new LoadClient(server.BaseAddress);
        var workspaceId = await client.CreateWorkspaceAsync(owner, "Crashed", cancel);
        var (linkId, token) = await client.CreateLinkAsync(owner, workspaceId, "Member", cancel);

        // The burst: each person accepts once, InFlight at a time; SIGKILL once KillAfter were answered.
        var answered = new ConcurrentQueue<Guid>();
        var cutOff = new ConcurrentQueue<Guid>();
        var notSent = 0;
        var killed = 0;
        await Parallel.ForEachAsync(people, new ParallelOptions { MaxDegreeOfParallelism = InFlight, CancellationToken = cancel }, async (person, _) =>
        {
            if (Volatile.Read(ref killed) == 1)
            {
                Interlocked.Increment(ref notSent);
                return;
            }

            try
            {
                var answer = await client.AcceptAsync(person, token, cancel);
                if (answer.Status is >= 200 and < 300)
                {
                    answered.Enqueue(person.Id);
                }
                else
                {
                    Assert.Fail($"Before the kill, an accept was refused: {answer}");
                }
            }
            catch (HttpRequestException) when (Volatile.Read(ref killed) == 1)
            {
                // Cut off by the kill: it may or may not have committed.
                cutOff.Enqueue(person.Id);
            }

            if (answered.Count >= KillAfter && Interlocked.Exchange(ref killed, 1) == 0)
            {
                server.Kill();
            }
        });
        Assert.Equal(1, killed);
        Assert.InRange(answered.Count, KillAfter, People - 1);
        await server.WaitForExitAsync(cancel);

        // The database as the crash left it.
        if (!TestDatabase.IsPostgreSql)
        {
            await AssertSqliteIntactAsync(connectionString, cancel);
        }
        else
        {
            await AssertPostgresIntactAsync(connectionString, cancel);
        }

        await AssertCountsAgreeAsync(seeder, workspaceId, linkId, answered, cancel);

        // The server starts again on it and answers: ready, and the next person joins.
        await using var restarted = await ServerProcess.StartAsync(seeder.DataFolder, connectionString, cancel);
        using var again = new LoadClient(restarted.BaseAddress);
        using (var ready = await again.Http.GetAsync(new Uri("/readyz", UriKind.Relative), cancel))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, ready.StatusCode);
        }

        var next = await SeedAccountAsync(seeder, seedClient, cancel);
        var joined = await again.AcceptAsync(next, token, cancel);
        Assert.True(joined.Status == 200, joined.ToString());
        answered.Enqueue(next.Id);

        // Those cut off either joined or not; asked again, each is told which, and the counts still agree.
        foreach (var person in people.Where(person => cutOff.Contains(person.Id)))
        {
            var retried = await again.AcceptAsync(person, token, cancel);
            Assert.True(retried.Status == 200 || retried.Code == "invitation.already_member", retried.ToString());
        }

        await AssertCountsAgreeAsync(seeder, workspaceId, linkId, [.. answered, .. cutOff], cancel);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{(TestDatabase.IsPostgreSql ? "PostgreSQL" : "SQLite")}: {answered.Count - 1} accepts answered before the kill, {cutOff.Count} cut off, "
            + $"{notSent} not sent; {stopwatch.Elapsed.TotalSeconds:0.0} s in all");
    }

    /// <summary>An account made through Identity in the test's own app, signed in there for a bearer token.</summary>
    private static async Task<LoadPerson> SeedAccountAsync(IsolatedApp seeder, HttpClient seedClient, CancellationToken cancellationToken)
    {
        var email = TestUsers.NewEmail();
        var user = new User { UserName = email, Email = email };
        await using (var scope = seeder.Services.CreateAsyncScope())
        {
            var created = await scope.ServiceProvider.GetRequiredService<UserManager<User>>().CreateAsync(user, TestUsers.Password);
            Assert.True(created.Succeeded, string.Join(", ", created.Errors.Select(error => error.Code)));
        }

        using var login = await seedClient.PostAsync(
            new Uri("/api/v1/auth/login", UriKind.Relative), System.Net.Http.Json.JsonContent.Create(new { email, password = TestUsers.Password }), cancellationToken);
        await login.EnsureSuccessAsync();
        var body = System.Text.Json.JsonDocument.Parse(await login.Content.ReadAsStringAsync(cancellationToken));
        return new LoadPerson(user.Id, email, body.RootElement.GetProperty("accessToken").GetString()!);
    }

    /// <summary>SQLite's own checks, on a connection of its own: <c>integrity_check</c> is "ok", <c>foreign_key_check</c> finds nothing.</summary>
    private static async Task AssertSqliteIntactAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var integrity = connection.CreateCommand();
        integrity.CommandText = "PRAGMA integrity_check;";
        Assert.Equal("ok", await integrity.ExecuteScalarAsync(cancellationToken) as string);
        await using var foreignKeys = connection.CreateCommand();
        foreignKeys.CommandText = "PRAGMA foreign_key_check;";
        await using var reader = await foreignKeys.ExecuteReaderAsync(cancellationToken);
        Assert.False(await reader.ReadAsync(cancellationToken), "PRAGMA foreign_key_check found a row whose parent is missing.");
    }

    /// <summary>
    /// PostgreSQL's: every B-tree index of the schema agrees with itself (amcheck's <c>bt_index_check</c>, where the
    /// server has the extension), and every table can be read through. A killed client cannot corrupt the server's
    /// files, so this is mostly the rows' own consistency, checked by <see cref="AssertCountsAgreeAsync"/>.
    /// </summary>
    private static async Task AssertPostgresIntactAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var available = new NpgsqlCommand("SELECT count(*) FROM pg_available_extensions WHERE name = 'amcheck'", connection))
        {
            if ((long)(await available.ExecuteScalarAsync(cancellationToken))! > 0)
            {
                await using var check = new NpgsqlCommand(
                    """
                    CREATE EXTENSION IF NOT EXISTS amcheck;
                    SELECT count(bt_index_check(c.oid)) FROM pg_index i
                    JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
                    WHERE am.amname = 'btree' AND c.relnamespace = 'public'::regnamespace;
                    """,
                    connection);
                Assert.True((long)(await check.ExecuteScalarAsync(cancellationToken))! > 0, "amcheck found no index to check.");
            }
        }

        await using var tables = new NpgsqlCommand("SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public'", connection);
        var names = new List<string>();
        await using (var reader = await tables.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                names.Add(reader.GetString(0));
            }
        }

        foreach (var name in names)
        {
            await using var scan = new NpgsqlCommand($"SELECT count(*) FROM {name}", connection);
            await scan.ExecuteScalarAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Every person answered 2xx is a member through the link; the link's uses equal its memberships (nobody left, so
    /// none were lost); each workspace's member count equals its rows.
    /// </summary>
    private static async Task AssertCountsAgreeAsync(IsolatedApp seeder, Guid workspaceId, Guid linkId, IReadOnlyCollection<Guid> answered, CancellationToken cancellationToken)
    {
        await using var scope = seeder.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RosterDbContext>();
        var joined = await db.Memberships.AsNoTracking().Where(m => m.InvitationLinkId == linkId).Select(m => m.UserId).ToListAsync(cancellationToken);
        Assert.Empty(answered.Except(joined));
        var uses = await db.InvitationLinks.AsNoTracking().Where(l => l.Id == linkId).Select(l => l.Uses).SingleAsync(cancellationToken);
        Assert.Equal(joined.Count, uses);
        var workspaces = await db.Workspaces.AsNoTracking()
            .Select(w => new { w.Id, w.MemberCount, Rows = db.Memberships.Count(m => m.WorkspaceId == w.Id) }).ToListAsync(cancellationToken);
        Assert.Contains(workspaces, workspace => workspace.Id == workspaceId);
        Assert.All(workspaces, workspace => Assert.True(workspace.MemberCount == workspace.Rows, $"{workspace.Id}: MemberCount {workspace.MemberCount}, {workspace.Rows} rows"));
    }

    private static async Task<T> QueryAsync<T>(IsolatedApp app, Func<RosterDbContext, Task<T>> query)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<RosterDbContext>());
    }

    /// <summary>
    /// The built server (<c>Roster.dll</c> beside the tests) in a process of its own, from the project's folder (its
    /// appsettings.json and wwwroot), on the given data folder and database, listening on a free port of 127.0.0.1.
    /// </summary>
    private sealed partial class ServerProcess : IAsyncDisposable
    {
        private readonly Process process;
        private readonly ConcurrentQueue<string> output = new();

        private ServerProcess(Process process) => this.process = process;

        public Uri BaseAddress { get; private set; } = null!;

        public static async Task<ServerProcess> StartAsync(string dataFolder, string connectionString, CancellationToken cancellationToken)
        {
            var start = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = ProjectFolder(),
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Roster.dll"));
            start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
            start.Environment["Roster__DataFolder"] = dataFolder;
            start.Environment["Roster__Database__Provider"] = TestDatabase.IsPostgreSql ? "PostgreSql" : "Sqlite";
            start.Environment["ConnectionStrings__Roster"] = connectionString;
            start.Environment["Roster__Plans__Default"] = "Enterprise";
            start.Environment["Roster__Email__SmtpHost"] = "";
            start.Environment["Roster__Shutdown__DrainDelay"] = "00:00:00";
            start.Environment["Roster__RateLimits__CredentialsPerAddressPerMinute"] = "100000";
            start.Environment["Roster__RateLimits__LinksPerAddressPerMinute"] = "100000";
            start.Environment["Logging__Console__FormatterName"] = "simple";
            var server = new ServerProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start."));
            var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
            server.process.OutputDataReceived += (_, line) =>
            {
                if (line.Data is { } text)
                {
                    server.output.Enqueue(text);
                    if (ListeningOn().Match(text) is { Success: true } match)
                    {
                        listening.TrySetResult(new Uri(match.Groups["address"].Value));
                    }
                }
            };
            server.process.ErrorDataReceived += (_, line) =>
            {
                if (line.Data is { } text)
                {
                    server.output.Enqueue(text);
                }
            };
            server.process.BeginOutputReadLine();
            server.process.BeginErrorReadLine();
            try
            {
                // A server that exits at start is seen at once, not after the minute.
                var exited = server.process.WaitForExitAsync(cancellationToken);
                var first = await Task.WhenAny(listening.Task, exited).WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
                if (first != listening.Task)
                {
                    throw new InvalidOperationException("The server exited at start.");
                }

                server.BaseAddress = await listening.Task;
            }
            catch (Exception exception)
            {
                // Whatever stopped the start (a timeout, an exit, the test's cancellation), no server process outlives it.
                await server.DisposeAsync();
                throw new InvalidOperationException(
                    $"The server did not start listening ({exception.GetType().Name}):{Environment.NewLine}{string.Join(Environment.NewLine, server.output)}", exception);
            }

            return server;
        }

        /// <summary>SIGKILL: the process ends at once, with no shutdown, no flush, no disposal.</summary>
        public void Kill() => process.Kill(entireProcessTree: false);

        public Task WaitForExitAsync(CancellationToken cancellationToken) => process.WaitForExitAsync(cancellationToken);

        public async ValueTask DisposeAsync()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }

        private static string ProjectFolder()
        {
            for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            {
                var project = Path.Combine(folder.FullName, "src", "Roster");
                if (File.Exists(Path.Combine(project, "appsettings.json")))
                {
                    return project;
                }
            }

            throw new InvalidOperationException($"No src/Roster above {AppContext.BaseDirectory}.");
        }

        [GeneratedRegex(@"Now listening on: (?<address>http://\S+)")]
        private static partial Regex ListeningOn();
    }
}
