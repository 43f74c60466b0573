using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Roster.Features.Audit;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Api;

/// <summary>
/// The audit log is written by the use cases themselves (SPEC section 7): each action exactly once, in the
/// change's own transaction, with its actor, target, outcome, UTC time and client address; a failing change
/// writes nothing; a refused accept writes its reason.
/// </summary>
public sealed class AuditLogTests(RosterApp app)
{
    private static readonly CancellationToken Cancel = TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryUseCase_WritesItsEntryOnce_WithActorTargetOutcomeTimeAndAddress()
    {
        var started = DateTimeOffset.UtcNow.AddSeconds(-1);
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        await app.SetPlanAsync(workspace.Id, "Enterprise");

        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Member");
        var joiner = await TestUsers.RegisterAsync(app);
        using (var accepted = await joiner.Client.AcceptAsync(ApiClient.TokenOf(link)))
        {
            await accepted.EnsureSuccessAsync();
        }

        using (var changed = await admin.Client.ChangePermissionAsync(workspace.Id, joiner.Id, "Admin"))
        {
            await changed.EnsureSuccessAsync();
        }

        var leaver = await TestUsers.JoinAsync(app, admin, workspace.Id, "Viewer");
        using (var left = await leaver.Client.RemoveMemberAsync(workspace.Id, leaver.Id))
        {
            await left.EnsureSuccessAsync();
        }

        using (var removed = await admin.Client.RemoveMemberAsync(workspace.Id, joiner.Id))
        {
            await removed.EnsureSuccessAsync();
        }

        var permission = await admin.Client.CreatePermissionAsync(workspace.Id, "Auditors", PermissionApi.OnEveryMenu("read-only"));
        using (var updated = await admin.Client.PatchAsJsonAsync($"/api/v1/workspaces/{workspace.Id}/permissions/{permission.Id}", new { name = "Reviewers" }, Cancel))
        {
            await updated.EnsureSuccessAsync();
        }

        using (var deleted = await admin.Client.DeleteAsync(new Uri($"/api/v1/workspaces/{workspace.Id}/permissions/{permission.Id}", UriKind.Relative), Cancel))
        {
            await deleted.EnsureSuccessAsync();
        }

        var key = await admin.Client.CreateApiKeyAsync(workspace.Id, "flags service");
        using (var revokedKey = await admin.Client.DeleteAsync(new Uri($"/api/v1/workspaces/{workspace.Id}/api-keys/{key.Id}", UriKind.Relative), Cancel))
        {
            await revokedKey.EnsureSuccessAsync();
        }

        using (var revokedLink = await admin.Client.DeleteAsync(new Uri($"/api/v1/workspaces/{workspace.Id}/invitation-links/{link.Id}", UriKind.Relative), Cancel))
        {
            await revokedLink.EnsureSuccessAsync();
        }

        // Revoking again changes nothing and writes nothing.
        using (var again = await admin.Client.DeleteAsync(new Uri($"/api/v1/workspaces/{workspace.Id}/api-keys/{key.Id}", UriKind.Relative), Cancel))
        {
            await again.EnsureSuccessAsync();
        }

        // The operator's move to Enterprise (set-up, by the command line's use case) is in the log too.
        var all = await app.AuditEntriesAsync(workspace.Id);
        var planChange = Assert.Single(all, e => e.Action == AuditActions.PlanChanged);
        Assert.Equal((AuditActorType.Operator, null, "Free → Enterprise"), (planChange.ActorType, planChange.ClientAddress, planChange.Details));
        var entries = all.Where(e => e.Action != AuditActions.PlanChanged).ToList();
        var finished = DateTimeOffset.UtcNow.AddSeconds(1);
        string[] expected =
        [
            AuditActions.WorkspaceCreated, AuditActions.InvitationLinkCreated, AuditActions.InvitationAccepted, AuditActions.MemberPermissionChanged,
            AuditActions.InvitationLinkCreated, AuditActions.InvitationAccepted, AuditActions.MemberLeft, AuditActions.MemberRemoved,
            AuditActions.PermissionCreated, AuditActions.PermissionUpdated, AuditActions.PermissionDeleted, AuditActions.ApiKeyCreated,
            AuditActions.ApiKeyRevoked, AuditActions.InvitationLinkRevoked,
        ];
        Assert.Equal(expected, entries.Select(e => e.Action));
        Assert.All(entries, e =>
        {
            Assert.Equal(AuditOutcome.Success, e.Outcome);
            Assert.Null(e.Reason);
            Assert.Equal("127.0.0.1", e.ClientAddress);
            Assert.Equal(AuditActorType.User, e.ActorType);
            Assert.Null(e.AccountId);
            Assert.Equal(TimeSpan.Zero, e.OccurredAt.Offset);
            Assert.InRange(e.OccurredAt, started, finished);
        });

        AuditEntry One(string action, int index = 0) => entries.Where(e => e.Action == action).ElementAt(index);
        AssertEntry(One(AuditActions.WorkspaceCreated), admin.Id, AuditTargets.Workspace, workspace.Id.ToString(), workspace.Name);
        AssertEntry(One(AuditActions.InvitationLinkCreated), admin.Id, AuditTargets.InvitationLink, link.Id.ToString(), null);
        AssertEntry(One(AuditActions.InvitationAccepted), joiner.Id, AuditTargets.InvitationLink, link.Id.ToString(), null);
        Assert.Equal("Joined as Member", One(AuditActions.InvitationAccepted).Details);
        var change = One(AuditActions.MemberPermissionChanged);
        AssertEntry(change, admin.Id, AuditTargets.Member, joiner.Id.ToString(), joiner.Email);
        Assert.Equal("Member → Admin", change.Details);
        AssertEntry(One(AuditActions.MemberLeft), leaver.Id, AuditTargets.Member, leaver.Id.ToString(), leaver.Email);
        AssertEntry(One(AuditActions.MemberRemoved), admin.Id, AuditTargets.Member, joiner.Id.ToString(), joiner.Email);
        AssertEntry(One(AuditActions.PermissionCreated), admin.Id, AuditTargets.Permission, permission.Id.ToString(), "Auditors");
        AssertEntry(One(AuditActions.PermissionUpdated), admin.Id, AuditTargets.Permission, permission.Id.ToString(), "Reviewers");
        Assert.Equal("Renamed Auditors → Reviewers", One(AuditActions.PermissionUpdated).Details);
        AssertEntry(One(AuditActions.PermissionDeleted), admin.Id, AuditTargets.Permission, permission.Id.ToString(), "Reviewers");
        AssertEntry(One(AuditActions.ApiKeyCreated), admin.Id, AuditTargets.ApiKey, key.Id.ToString(), null);
        Assert.StartsWith("flags service (", One(AuditActions.ApiKeyCreated).TargetLabel, StringComparison.Ordinal);
        AssertEntry(One(AuditActions.ApiKeyRevoked), admin.Id, AuditTargets.ApiKey, key.Id.ToString(), null);
        AssertEntry(One(AuditActions.InvitationLinkRevoked), admin.Id, AuditTargets.InvitationLink, link.Id.ToString(), null);
        Assert.Equal(One(AuditActions.InvitationLinkCreated).TargetLabel, One(AuditActions.InvitationLinkRevoked).TargetLabel);

        // The API shows the same entries, newest first, with the actor's name and email read with them.
        var listed = await admin.Client.GetWholeAuditLogAsync(workspace.Id);
        Assert.Equal(all.Select(e => e.Id).Reverse(), listed.Select(e => e.Id));
        var apiChange = listed.Single(e => e.Action == AuditActions.MemberPermissionChanged);
        Assert.Equal(new AuditActorResponse("user", admin.Id, admin.Email, admin.Email), apiChange.Actor);
        Assert.Equal(new AuditTargetResponse("member", joiner.Id.ToString(), joiner.Email), apiChange.Target);
        Assert.Equal(("success", "127.0.0.1", "Member → Admin"), (apiChange.Outcome, apiChange.ClientAddress, apiChange.Details));
    }

    [Fact]
    public async Task FailingChanges_WriteNoEntry()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        await app.SetPlanAsync(workspace.Id, "Enterprise");
        await admin.Client.CreatePermissionAsync(workspace.Id, "Auditors", PermissionApi.OnEveryMenu("read-only"));
        var before = await app.AuditEntriesAsync(workspace.Id);

        // The last Admin can neither step down nor leave.
        using (var demoted = await admin.Client.ChangePermissionAsync(workspace.Id, admin.Id, "Viewer"))
        {
            await demoted.AssertProblemAsync(HttpStatusCode.Conflict, "member.last_admin");
        }

        using (var left = await admin.Client.RemoveMemberAsync(workspace.Id, admin.Id))
        {
            await left.AssertProblemAsync(HttpStatusCode.Conflict, "member.last_admin");
        }

        // A name another permission has.
        using (var taken = await admin.Client.PostAsJsonAsync($"/api/v1/workspaces/{workspace.Id}/permissions", new { name = "auditors", grants = new { } }, Cancel))
        {
            await taken.AssertProblemAsync(HttpStatusCode.Conflict, "permission.name_taken");
        }

        // A key without a name.
        using (var invalid = await admin.Client.PostAsJsonAsync($"/api/v1/workspaces/{workspace.Id}/api-keys", new { name = "" }, Cancel))
        {
            await invalid.AssertValidationProblemAsync("name");
        }

        Assert.Equal(before.Select(e => e.Id), (await app.AuditEntriesAsync(workspace.Id)).Select(e => e.Id));
    }

    [Fact]
    public async Task RefusedAccept_WritesInvitationRefusedWithItsReason_AndAPreviewWritesNothing()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var member = await TestUsers.JoinAsync(app, admin, workspace.Id, "Member");
        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Viewer");
        var token = ApiClient.TokenOf(link);
        var before = (await app.AuditEntriesAsync(workspace.Id)).Count;

        using (var preview = await member.Client.PreviewAsync(token))
        {
            await preview.AssertProblemAsync(HttpStatusCode.Conflict, "invitation.already_member");
        }

        Assert.Equal(before, (await app.AuditEntriesAsync(workspace.Id)).Count);

        using (var again = await member.Client.AcceptAsync(token))
        {
            await again.AssertProblemAsync(HttpStatusCode.Conflict, "invitation.already_member");
        }

        using (var revoked = await admin.Client.DeleteAsync(new Uri($"/api/v1/workspaces/{workspace.Id}/invitation-links/{link.Id}", UriKind.Relative), Cancel))
        {
            await revoked.EnsureSuccessAsync();
        }

        var stranger = await TestUsers.RegisterAsync(app);
        using (var refused = await stranger.Client.AcceptAsync(token))
        {
            Assert.False(refused.IsSuccessStatusCode);
        }

        var refusals = (await app.AuditEntriesAsync(workspace.Id)).Where(e => e.Action == AuditActions.InvitationRefused).ToList();
        Assert.Equal(
            [(member.Id, "invitation.already_member"), (stranger.Id, "invitation.revoked")],
            refusals.Select(e => (e.ActorUserId!.Value, e.Reason!)));
        Assert.All(refusals, e =>
        {
            Assert.Equal(AuditOutcome.Refused, e.Outcome);
            Assert.Equal((AuditTargets.InvitationLink, link.Id.ToString()), (e.TargetType, e.TargetId));
            Assert.Equal("127.0.0.1", e.ClientAddress);
        });
        Assert.DoesNotContain(await app.AuditEntriesAsync(workspace.Id), e => e.Action == AuditActions.InvitationAccepted && e.ActorUserId == stranger.Id);
    }

    [Fact]
    public async Task RefusedAccept_AtSignInCompletion_WritesInvitationRefused()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Viewer", maxUses: 1);
        var token = ApiClient.TokenOf(link);
        var first = await TestUsers.RegisterAsync(app);
        using (var accepted = await first.Client.AcceptAsync(token))
        {
            await accepted.EnsureSuccessAsync();
        }

        var latecomer = await TestUsers.RegisterAsync(app);

        // The sign-in page, come through the used-up link: the sign-in succeeds, the join is refused.
        var browser = app.CreateHttpClient(new CookieContainer());
        var page = await browser.GetStringAsync($"/login?invite={token}", Cancel);
        var form = TestUsers.HiddenFields(page);
        form["Email"] = latecomer.Email;
        form["Password"] = latecomer.Password;
        using var signedIn = await browser.PostAsync(new Uri($"/login?invite={token}", UriKind.Relative), new FormUrlEncodedContent(form), Cancel);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);

        var refusal = Assert.Single(await app.AuditEntriesAsync(workspace.Id), e => e.Action == AuditActions.InvitationRefused);
        Assert.Equal((latecomer.Id, "invitation.used_up", AuditOutcome.Refused), (refusal.ActorUserId!.Value, refusal.Reason, refusal.Outcome));
    }

    [Fact]
    public async Task Accept_WritesItsEntryWithTheMembershipsOwnSave_NoExtraRead()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Viewer");
        var joiner = await TestUsers.RegisterAsync(app);
        var id = Guid.NewGuid().ToString();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/v1/invitations/{ApiClient.TokenOf(link)}/accept", UriKind.Relative));
        request.Headers.Add(CommandCounter.Header, id);

        using var response = await joiner.Client.SendAsync(request, Cancel);

        await response.EnsureSuccessAsync();
        var commands = app.Services.GetRequiredService<CommandCounter>().CommandsOf(id);
        var insert = Assert.Single(commands, command => command.Contains("INSERT INTO \"Memberships\"", StringComparison.Ordinal));
        var entry = Assert.Single(commands, command => command.Contains("\"AuditEntries\"", StringComparison.Ordinal));
        if (TestDatabase.IsPostgreSql)
        {
            // PostgreSQL batches the save's inserts into one command: the entry costs no round trip. (SQLite, in
            // process, sends each insert as its own command; there is no network to cross.)
            Assert.Same(insert, entry);
        }
    }

    private static void AssertEntry(AuditEntry entry, Guid actorId, string targetType, string targetId, string? label)
    {
        Assert.Equal(actorId, entry.ActorUserId);
        Assert.Equal((targetType, targetId), (entry.TargetType, entry.TargetId));
        if (label is not null)
        {
            Assert.Equal(label, entry.TargetLabel);
        }
        else
        {
            Assert.False(string.IsNullOrEmpty(entry.TargetLabel));
        }
    }
}
