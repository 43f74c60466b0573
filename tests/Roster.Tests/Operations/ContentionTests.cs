using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Roster.Infrastructure.Data;
using Roster.Infrastructure.Errors;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Operations;

/// <summary>
/// Issue 9, part 4: 200 concurrent writers for 30 seconds against a real Kestrel server, on the suite's database, doing
/// write use cases that contend on the same rows: distinct people accepting one invitation link (then the next
/// workspace's), Admins changing one member's permission back and forth, renaming the workspace and creating links in
/// it. No answer is a 5xx, none says or logs "database is locked" (nor a busy SQLite answered 409), no error is logged,
/// every answer comes within <see cref="Bound"/>, every answer is the one its use case gives, and at the end the counts
/// agree with the rows: each link's uses with its memberships, each workspace's member count with its members.
/// </summary>
[Collection(nameof(MachineLoad))]
public sealed class ContentionTests
{
    /// <summary>
    /// How long the writers write: on SQLite 30 seconds, as issue 9 asks of its single writer ("database is locked" is
    /// SQLite's failure); on PostgreSQL 10 seconds, thousands of conflicting writes, which is what its rule (a conflict
    /// answered 409 or retried, never 500) needs, and keeps the suite within its time.
    /// </summary>
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(TestDatabase.IsPostgreSql ? 10 : 30);

    /// <summary>
    /// The slowest answer allowed, with 200 requests in flight on a busy 2-core machine: writers of one workspace queue
    /// (one at a time at the rows they share), so seconds are expected; 20 s is well inside the 30-second command
    /// timeout and writer wait, which a starved request would reach.
    /// </summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private const int Writers = 200;
    private const int Acceptors = 140;
    private const int PermissionChangers = 20;
    private const int Renamers = 20;

    /// <summary>
    /// Workspaces whose links the acceptors take in turn, all in the same order, so they crowd one link at a time; an
    /// acceptor through all of them keeps accepting the last one (already a member: refused, which is a write too: its
    /// audit entry).
    /// </summary>
    private const int Workspaces = 12;

    [Fact]
    public async Task TwoHundredWriters_NoServerErrorNoLockAndCountsAgree()
    {
        var cancel = TestContext.Current.CancellationToken;
        var logs = new LogRecorder();
        await using var app = await IsolatedApp.StartAsync(
            new Dictionary<string, string>
            {
                // No plan's member limit in the way: the acceptors fill the workspaces.
                ["Roster:Plans:Default"] = "Enterprise",
                ["Roster:RateLimits:CredentialsPerAccountPerMinute"] = "100000",
                ["Roster:RateLimits:CredentialsPerAddressPerMinute"] = "100000",
                ["Roster:RateLimits:LinksPerAddressPerMinute"] = "1000000",
            },
            logs,
            kestrel: true,
            services: services => services.Configure<PasswordHasherOptions>(hashing => hashing.IterationCount = 1000));
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        using var client = new LoadClient(address);
        var output = TestContext.Current.TestOutputHelper;

        // Set-up: an owner, three more Admins, the member whose permission changes, the acceptors, the workspaces.
        var setup = Stopwatch.StartNew();
        var owner = await client.RegisterAsync(cancellationToken: cancel);
        var workspaceIds = new List<Guid> { await client.CreateWorkspaceAsync(owner, "Contended", cancel) };
        var main = workspaceIds[0];
        var people = await SeedPeopleAsync(app, client, 4 + Acceptors, cancel);
        var admins = new[] { owner, people[0], people[1], people[2] };
        var target = people[3];
        var acceptors = people[4..];
        foreach (var (person, granted) in new[] { (people[0], "Admin"), (people[1], "Admin"), (people[2], "Admin"), (target, "Member") })
        {
            // An Admin link is single-use by default: one each.
            var (_, token) = await client.CreateLinkAsync(owner, main, granted, cancel);
            var joined = await client.AcceptAsync(person, token, cancel);
            Assert.True(joined.Status == 200, joined.ToString());
        }

        var links = new List<(Guid WorkspaceId, Guid Id, string Token)>();
        for (var index = 0; index < Workspaces; index++)
        {
            var workspaceId = index == 0 ? main : await client.CreateWorkspaceAsync(owner, $"Contended {index}", cancel);
            if (index > 0)
            {
                workspaceIds.Add(workspaceId);
            }

            var (id, token) = await client.CreateLinkAsync(owner, workspaceId, "Member", cancel);
            links.Add((workspaceId, id, token));
        }

        var linksBefore = await CountLinksAsync(app, main);
        setup.Stop();

        // The load: every writer loops on its use case until the time is up.
        var answers = new ConcurrentQueue<LoadAnswer>();
        var joins = new ConcurrentQueue<(Guid WorkspaceId, Guid UserId)>();
        var names = new ConcurrentQueue<string>();
        var cpuBefore = LoadClient.ProcessCpuTime();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => Task.Run(
            async () =>
            {
                var admin = admins[writer % admins.Length];
                var nextLink = 0;
                for (var round = 0; clock.Elapsed < Duration; round++)
                {
                    LoadAnswer answer;
                    if (writer < Acceptors)
                    {
                        // The next link until the person is in (a conflict answered 409 is tried again), then the last one
                        // again (already a member).
                        var person = acceptors[writer];
                        var link = links[Math.Min(nextLink, links.Count - 1)];
                        answer = await client.AcceptAsync(person, link.Token, cancel);
                        if (nextLink >= links.Count)
                        {
                            answer = answer with { Operation = "accept again" };
                        }
                        else if (answer.Status == 200)
                        {
                            joins.Enqueue((link.WorkspaceId, person.Id));
                        }

                        if (answer.Code != ConcurrencyConflicts.Code)
                        {
                            nextLink++;
                        }
                    }
                    else if (writer < Acceptors + PermissionChangers)
                    {
                        answer = await client.SendAsync(
                            "change permission", HttpMethod.Patch, $"/api/v1/workspaces/{main}/members/{target.Id}", admin.Token,
                            new { permission = (writer + round) % 2 == 0 ? "Viewer" : "Member" }, cancel);
                    }
                    else if (writer < Acceptors + PermissionChangers + Renamers)
                    {
                        var name = $"Renamed {writer}.{round}";
                        answer = await client.SendAsync("rename", HttpMethod.Patch, $"/api/v1/workspaces/{main}", admin.Token, new { name }, cancel);
                        if (answer.Status == 200)
                        {
                            names.Enqueue(name);
                        }
                    }
                    else
                    {
                        answer = await client.SendAsync(
                            "create link", HttpMethod.Post, $"/api/v1/workspaces/{main}/invitation-links", admin.Token, new { permission = "Viewer" }, cancel);
                    }

                    answers.Enqueue(answer);
                }
            },
            cancel)));
        var elapsed = clock.Elapsed;
        var cpu = LoadClient.ProcessCpuTime() - cpuBefore;

        var all = answers.ToList();
        var report = string.Join(
            Environment.NewLine,
            all.GroupBy(answer => (answer.Operation, answer.Status, answer.Code)).OrderBy(group => group.Key.Operation, StringComparer.Ordinal)
                .Select(group =>
                {
                    var times = group.Select(answer => answer.Elapsed.TotalMilliseconds).Order().ToList();
                    return $"  {group.Key.Operation} {group.Key.Status} {group.Key.Code}: {group.Count()}, median {times[times.Count / 2]:0} ms, "
                        + $"p99 {times[(int)(times.Count * 0.99)]:0} ms, max {times[^1]:0} ms";
                }));
        output?.WriteLine(
            $"{TestDatabase.IsPostgreSql switch { true => "PostgreSQL", false => "SQLite" }}: set-up {setup.Elapsed.TotalSeconds:0.0} s; "
            + $"{all.Count} answers in {elapsed.TotalSeconds:0.0} s ({all.Count / elapsed.TotalSeconds:0} per second), "
            + $"CPU {cpu.TotalMilliseconds / all.Count:0.00} ms per request (server and clients, one process){Environment.NewLine}{report}");

        // No server error, and nothing about a locked database, in any answer or in the log.
        Assert.Empty(all.Where(answer => answer.Status >= 500).Take(5));
        Assert.Empty(all.Where(answer => answer.Body.Contains("database is locked", StringComparison.OrdinalIgnoreCase)).Take(5));
        var logged = logs.Entries;
        Assert.Empty(logged.Where(entry => entry.Contains("database is locked", StringComparison.OrdinalIgnoreCase)).Take(5));
        // A busy SQLite that reached the top would be answered 409 and logged as "SqliteException 5/..." (or 6/...).
        Assert.Empty(logged.Where(entry => entry.Contains("SqliteException 5/", StringComparison.Ordinal) || entry.Contains("SqliteException 6/", StringComparison.Ordinal)).Take(5));
        Assert.Empty(logged.Where(entry => entry.StartsWith("Error ", StringComparison.Ordinal) || entry.StartsWith("Critical ", StringComparison.Ordinal)).Take(5));

        // Every answer is its use case's: success, or for an acceptor already in, that refusal. A lost race the use
        // case did not foresee would be 409 request.conflict: allowed (nothing was saved, try again), and counted above.
        Assert.Empty(all.Where(answer => !Expected(answer)).Take(5));

        // On SQLite the writers queue for the one writer (SqliteWriteGate), so no race is lost at all; on PostgreSQL a lost
        // race may be answered 409, but most writes must succeed.
        var conflicts = all.Count(answer => answer.Code == ConcurrencyConflicts.Code);
        Assert.True(
            TestDatabase.IsPostgreSql ? conflicts <= all.Count / 10 : conflicts == 0,
            $"{conflicts} of {all.Count} answers were 409 {ConcurrencyConflicts.Code}");
        Assert.Empty(all.Where(answer => answer.Elapsed > Bound).Take(5));
        Assert.Contains(all, answer => answer.Operation == "accept" && answer.Status == 200);
        Assert.Contains(all, answer => answer.Operation == "change permission" && answer.Status == 200);
        Assert.Contains(all, answer => answer.Operation == "rename" && answer.Status == 200);
        Assert.Contains(all, answer => answer.Operation == "create link" && answer.Status == 201);

        // The counts agree with the rows.
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RosterDbContext>();
        var workspaces = await db.Workspaces.AsNoTracking().Where(w => workspaceIds.Contains(w.Id))
            .Select(w => new { w.Id, w.Name, w.MemberCount, Rows = db.Memberships.Count(m => m.WorkspaceId == w.Id) }).ToListAsync(cancel);
        Assert.Equal(Workspaces, workspaces.Count);
        Assert.All(workspaces, workspace => Assert.True(workspace.MemberCount == workspace.Rows, $"{workspace.Id}: MemberCount {workspace.MemberCount}, {workspace.Rows} rows"));
        var linkRows = await db.InvitationLinks.AsNoTracking().Where(l => workspaceIds.Contains(l.WorkspaceId))
            .Select(l => new { l.Id, l.Uses, Rows = db.Memberships.Count(m => m.InvitationLinkId == l.Id) }).ToListAsync(cancel);
        Assert.All(linkRows, link => Assert.True(link.Uses == link.Rows, $"link {link.Id}: Uses {link.Uses}, {link.Rows} memberships"));

        // Every accept answered 200 is a membership through that workspace's link, and there is no other.
        var acceptLinkIds = links.Select(link => link.Id).ToList();
        var joinedRows = await db.Memberships.AsNoTracking().Where(m => m.InvitationLinkId != null && acceptLinkIds.Contains(m.InvitationLinkId.Value))
            .Select(m => new { m.WorkspaceId, m.UserId }).ToListAsync(cancel);
        Assert.Equal(joins.Order().ToList(), joinedRows.Select(row => (row.WorkspaceId, row.UserId)).Order().ToList());

        // Every link answered 201 exists; the member's permission and the name are ones the Admins set.
        var created = all.Count(answer => answer.Operation == "create link" && answer.Status == 201);
        Assert.Equal(linksBefore + created, await CountLinksAsync(app, main));
        var permission = await db.Memberships.AsNoTracking().Where(m => m.WorkspaceId == main && m.UserId == target.Id)
            .Join(db.Permissions, m => m.PermissionId, p => p.Id, (m, p) => p.Name).SingleAsync(cancel);
        Assert.Contains(permission, new[] { "Viewer", "Member" });
        Assert.Contains(workspaces.Single(w => w.Id == main).Name, names);
    }

    /// <summary>
    /// People made fast: accounts created in process through Identity's <see cref="UserManager{TUser}"/> (what sign-up
    /// runs, without its verification email), one after another (SQLite's one writer), then signed in through the API
    /// for their bearer tokens, a few at a time.
    /// </summary>
    private static async Task<LoadPerson[]> SeedPeopleAsync(IsolatedApp app, LoadClient client, int count, CancellationToken cancellationToken)
    {
        var accounts = new List<(Guid Id, string Email)>();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<Roster.Features.Accounts.User>>();
            for (var index = 0; index < count; index++)
            {
                var email = TestUsers.NewEmail();
                var user = new Roster.Features.Accounts.User { UserName = email, Email = email };
                var created = await users.CreateAsync(user, TestUsers.Password);
                Assert.True(created.Succeeded, string.Join(", ", created.Errors.Select(error => error.Code)));
                accounts.Add((user.Id, email));
            }
        }

        var people = new LoadPerson[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (index, cancel) =>
            people[index] = new LoadPerson(accounts[index].Id, accounts[index].Email, await client.LoginAsync(accounts[index].Email, cancel)));
        return people;
    }

    private static bool Expected(LoadAnswer answer) => (answer.Operation, answer.Status, answer.Code) switch
    {
        (_, 409, ConcurrencyConflicts.Code) => true,
        ("accept", 200, null) => true,
        ("accept again", 409, "invitation.already_member") => true,
        ("change permission", 200, null) => true,
        ("rename", 200, null) => true,
        ("create link", 201, null) => true,
        _ => false,
    };

    private static async Task<int> CountLinksAsync(IsolatedApp app, Guid workspaceId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RosterDbContext>().InvitationLinks.CountAsync(l => l.WorkspaceId == workspaceId, TestContext.Current.CancellationToken);
    }
}
