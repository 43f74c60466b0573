using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Roster.Features.Audit;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Operator;

/// <summary>
/// The operator's command line as a real process on a test app's database: usage and exit codes, <c>migrate</c>,
/// <c>workspaces list</c>, <c>plan list</c> and <c>plan set</c>.
/// </summary>
public sealed class OperatorCommandTests(RosterApp app)
{
    [Fact]
    public async Task HelpAndBadArguments_AnswerUsage_WithExitCodes0And2()
    {
        var runs = await Task.WhenAll(
            RosterCommand.RunAsync(app, "--help"),
            RosterCommand.RunAsync(app, "help", "users", "disable"),
            RosterCommand.RunAsync(app, "users"),
            RosterCommand.RunAsync(app, "plan", "set", "only-a-workspace"),
            RosterCommand.RunAsync(app, "workspaces", "list", "--no-such-option"),
            RosterCommand.RunAsync(app, "users", "sign-ins", "someone@example.com", "--limit", "0"),
            RosterCommand.RunAsync(app, "users", "disable", "not-an-address"),
            RosterCommand.RunAsync(app, "users", "sign-ins", "Bob <bob@example.test>"));

        var help = runs[0];
        Assert.True(help.ExitCode == 0, help.ToString());
        foreach (var command in new[] { "migrate", "workspaces", "plan", "users" })
        {
            Assert.Contains(command, help.Out, StringComparison.Ordinal);
        }

        var disableHelp = runs[1];
        Assert.True(disableHelp.ExitCode == 0, disableHelp.ToString());
        Assert.Contains("users disable <email>", disableHelp.Out, StringComparison.Ordinal);

        foreach (var bad in runs[2..])
        {
            Assert.True(bad.ExitCode == 2, bad.ToString());
            Assert.Contains("Usage:", bad.Error, StringComparison.Ordinal);
            Assert.Equal("", bad.Out);
        }

        Assert.Contains("Required command was not provided", runs[2].Error, StringComparison.Ordinal);
        Assert.Contains("<workspace> <plan>", runs[3].Error, StringComparison.Ordinal);
        Assert.Contains("--no-such-option", runs[4].Error, StringComparison.Ordinal);
        Assert.Contains("--limit must be between 1 and 1000", runs[5].Error, StringComparison.Ordinal);

        // Text that is not an address at all (EmailAddresses.IsLookup) is bad usage, before anything is looked up.
        Assert.Contains(Roster.Features.Accounts.EmailAddresses.Message, runs[6].Error, StringComparison.Ordinal);
        Assert.Contains(Roster.Features.Accounts.EmailAddresses.Message, runs[7].Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_OnAnEmptyDatabase_AppliesEveryMigration_WhichOtherCommandsNeed()
    {
        await using var database = await TestDatabase.CreateAsync();
        var folder = Directory.CreateTempSubdirectory("roster-migrate-").FullName;
        try
        {
            // The test app's database is migrated already; the new one is empty.
            var (before, upToDate) = await BothAsync(
                RosterCommand.RunAsync(folder, database, "workspaces", "list"),
                RosterCommand.RunAsync(app, "migrate"));
            Assert.True(before.ExitCode == 1, before.ToString());
            Assert.Contains("Run the migrate command first", before.Error, StringComparison.Ordinal);
            Assert.True(upToDate.ExitCode == 0, upToDate.ToString());
            Assert.Contains("Up to date: nothing to apply", upToDate.Out, StringComparison.Ordinal);

            var migrate = await RosterCommand.RunAsync(folder, database, "migrate");
            Assert.True(migrate.ExitCode == 0, migrate.ToString());
            Assert.Contains("Applied ", migrate.Out, StringComparison.Ordinal);
            Assert.Contains("_PlansAndAuditLog", migrate.Out, StringComparison.Ordinal);
            Assert.DoesNotContain("Password", migrate.Out, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task PlanSet_ChangesThePlanAtOnce_WithOneAuditEntry_AndExplainsUnknownPlansAndWorkspaces()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync($"Operated {Guid.NewGuid():N}");

        var (unknownPlan, unknownWorkspace) = await BothAsync(
            RosterCommand.RunAsync(app, "plan", "set", workspace.Name, "Gold"),
            RosterCommand.RunAsync(app, "plan", "set", Guid.NewGuid().ToString(), "Pro"));
        Assert.True(unknownPlan.ExitCode == 1, unknownPlan.ToString());
        Assert.Contains("There is no plan called 'Gold'. The plans are: Free, Pro, Enterprise.", unknownPlan.Error, StringComparison.Ordinal);
        Assert.True(unknownWorkspace.ExitCode == 1, unknownWorkspace.ToString());
        Assert.Contains("No workspace has the id or name", unknownWorkspace.Error, StringComparison.Ordinal);
        Assert.Equal("Free", await RecordedPlanAsync(workspace.Id));
        using (var locked = await CreateKeyAsync(admin, workspace.Id))
        {
            await locked.AssertProblemAsync(System.Net.HttpStatusCode.Forbidden, "plan.feature_locked");
        }

        // By name, in another case, and the plan's name in any case.
        var set = await RosterCommand.RunAsync(app, "plan", "set", workspace.Name.ToUpperInvariant(), "pro");
        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Contains("is now on the Pro plan (was Free)", set.Out, StringComparison.Ordinal);
        Assert.Equal("Pro", await RecordedPlanAsync(workspace.Id));

        // Pro includes API keys: the next request may create one.
        using (var unlocked = await CreateKeyAsync(admin, workspace.Id))
        {
            Assert.Equal(System.Net.HttpStatusCode.Created, unlocked.StatusCode);
        }

        // By id, to the plan it is on: nothing to write. The list and the plans meanwhile.
        var runs = await Task.WhenAll(
            RosterCommand.RunAsync(app, "plan", "set", workspace.Id.ToString(), "Pro"),
            RosterCommand.RunAsync(app, "workspaces", "list"),
            RosterCommand.RunAsync(app, "plan", "list"));
        var (again, list, plans) = (runs[0], runs[1], runs[2]);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("already on the Pro plan", again.Out, StringComparison.Ordinal);

        var entry = Assert.Single(await app.QueryAsync(db => db.AuditEntries.AsNoTracking()
            .Where(e => e.WorkspaceId == workspace.Id && e.Action == AuditActions.PlanChanged).ToListAsync(TestContext.Current.CancellationToken)));
        Assert.Equal("Free → Pro", entry.Details);
        Assert.Equal(AuditActorType.Operator, entry.ActorType);
        Assert.Null(entry.ActorUserId);
        Assert.Equal(AuditOutcome.Success, entry.Outcome);
        Assert.Equal(("workspace", workspace.Id.ToString(), workspace.Name), (entry.TargetType, entry.TargetId, entry.TargetLabel));

        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Equal(["NAME", "ID", "PLAN", "MEMBERS"], list.Row("NAME"));
        Assert.Equal([workspace.Name, workspace.Id.ToString(), "Pro", "1"], list.Row(workspace.Name));

        Assert.True(plans.ExitCode == 0, plans.ToString());
        Assert.Equal(["Free *", "up to 5", "-"], plans.Row("Free *"));
        Assert.Equal(["Enterprise", "no limit", "custom-permissions, email-invitations, automatic-domain-join, api-keys, audit-log-export"], plans.Row("Enterprise"));
    }

    [Fact]
    public async Task PlanSet_ANameSeveralWorkspacesHave_ListsTheirIds_AndChangesNothing()
    {
        var name = $"Twin {Guid.NewGuid():N}";
        var first = await (await TestUsers.RegisterAsync(app)).Client.CreateWorkspaceAsync(name);
        var second = await (await TestUsers.RegisterAsync(app)).Client.CreateWorkspaceAsync(name);

        var (ambiguous, json) = await BothAsync(
            RosterCommand.RunAsync(app, "plan", "set", name, "Enterprise"),
            RosterCommand.RunAsync(app, "workspaces", "list", "--json"));

        Assert.True(ambiguous.ExitCode == 1, ambiguous.ToString());
        Assert.Contains($"2 workspaces are called '{name}'", ambiguous.Error, StringComparison.Ordinal);
        Assert.Contains(first.Id.ToString(), ambiguous.Error, StringComparison.Ordinal);
        Assert.Contains(second.Id.ToString(), ambiguous.Error, StringComparison.Ordinal);
        Assert.False(await app.QueryAsync(db => db.AuditEntries.AnyAsync(
            e => (e.WorkspaceId == first.Id || e.WorkspaceId == second.Id) && e.Action == AuditActions.PlanChanged, TestContext.Current.CancellationToken)));

        Assert.True(json.ExitCode == 0, json.ToString());
        using var document = JsonDocument.Parse(json.Out);
        var twins = document.RootElement.EnumerateArray().Where(w => w.GetProperty("name").GetString() == name).ToList();
        Assert.Equal(new[] { first.Id, second.Id }.Order(), twins.Select(w => w.GetProperty("id").GetGuid()).Order());
        Assert.All(twins, w => Assert.Equal(("Free", 1), (w.GetProperty("plan").GetString(), w.GetProperty("members").GetInt32())));
    }

    /// <summary>Two runs at once (each process spends most of a second starting).</summary>
    private static async Task<(CommandRun, CommandRun)> BothAsync(Task<CommandRun> first, Task<CommandRun> second) => (await first, await second);

    private Task<string> RecordedPlanAsync(Guid workspaceId) =>
        app.QueryAsync(db => db.Workspaces.Where(w => w.Id == workspaceId).Select(w => w.Plan).SingleAsync(TestContext.Current.CancellationToken));

    private static Task<HttpResponseMessage> CreateKeyAsync(TestUser admin, Guid workspaceId) =>
        admin.Client.PostAsJsonAsync($"/api/v1/workspaces/{workspaceId}/api-keys", new { name = "flags service" }, TestContext.Current.CancellationToken);
}
