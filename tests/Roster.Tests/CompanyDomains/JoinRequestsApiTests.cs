using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Roster.Features.Audit;
using Roster.Features.JoinRequests;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.CompanyDomains;

/// <summary>
/// Discovery and join requests (SPEC section 5, issue 8 parts 2, 3 and 6): who sees which workspace, asking, approving,
/// declining, the plan's limit, the automatic policy, the rate limit, the emails (outbox rows) and the Admins' notices.
/// </summary>
public sealed class JoinRequestsApiTests(RosterApp app)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Discovery_ShowsTheWorkspaceToAVerifiedColleague_AndNothingToAnyoneElse()
    {
        var domain = DomainPeople.NewDomain();
        var (admin, workspace) = await DomainPeople.CompanyAsync(app, domain);
        var colleague = await DomainPeople.VerifiedAsync(app, domain.ToUpperInvariant());

        var found = Assert.Single(await colleague.Client.DiscoverAsync());
        Assert.Equal((workspace.Id, workspace.Name, 1, "request", false), (found.Id, found.Name, found.MemberCount, found.JoinPolicy, found.Requested));

        // Unverified, a public mail domain, a subdomain, a longer name, a look-alike, a stranger: nothing.
        var unverified = await TestUsers.RegisterAsync(app, TestUsers.NewEmail(domain));
        var nobodies = new List<TestUser> { unverified, await DomainPeople.VerifiedAsync(app, "gmail.com") };
        foreach (var other in new[] { $"sub.{domain}", $"{domain}.evil.test", $"not{domain}", DomainPeople.NewDomain() })
        {
            nobodies.Add(await DomainPeople.VerifiedAsync(app, other));
        }

        foreach (var nobody in nobodies)
        {
            Assert.Empty(await nobody.Client.DiscoverAsync());
            using var asked = await nobody.Client.RequestToJoinAsync(workspace.Id);
            await asked.AssertProblemAsync(HttpStatusCode.NotFound, "workspace.not_found");
        }

        // The Admin is a member already: nothing to discover. Policy off: the workspace vanishes for the colleague too.
        Assert.Empty(await admin.Client.DiscoverAsync());
        using var off = await admin.Client.PatchWorkspaceAsync(workspace.Id, new { joinPolicy = "off" });
        await off.EnsureSuccessAsync();
        Assert.Empty(await colleague.Client.DiscoverAsync());
        using var refused = await colleague.Client.RequestToJoinAsync(workspace.Id);
        await refused.AssertProblemAsync(HttpStatusCode.NotFound, "workspace.not_found");
        using var unknown = await colleague.Client.RequestToJoinAsync(Guid.NewGuid());
        await unknown.AssertProblemAsync(HttpStatusCode.NotFound, "workspace.not_found");
    }

    [Fact]
    public async Task Discovery_MatchesAnInternationalisedDomain_SetInItsUnicodeForm()
    {
        // Addresses are ASCII here (the sign-up rule), so people are at the punycode form; the Admin types the Unicode one.
        var unicode = $"bücher-{Guid.NewGuid():N}.example";
        var ascii = new System.Globalization.IdnMapping().GetAscii(unicode);
        var admin = await DomainPeople.VerifiedInDatabaseAsync(app, ascii);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        Assert.Equal(ascii, workspace.CompanyDomain);
        using var cleared = await admin.Client.PatchWorkspaceAsync(workspace.Id, new { companyDomain = "" });
        await cleared.EnsureSuccessAsync();
        using var set = await admin.Client.PatchWorkspaceAsync(workspace.Id, new { companyDomain = unicode.ToUpperInvariant() + "." });
        Assert.Equal(ascii, (await ApiClient.ReadAsync<Features.Workspaces.WorkspaceResponse>(set)).CompanyDomain);

        var colleague = await DomainPeople.VerifiedInDatabaseAsync(app, ascii.ToUpperInvariant());
        Assert.Equal(workspace.Id, Assert.Single(await colleague.Client.DiscoverAsync()).Id);
    }

    [Fact]
    public async Task Request_Approve_TheRequesterJoinsAsThePermission_IsToldByEmail_AndTheAdminsToo()
    {
        var domain = DomainPeople.NewDomain();
        var (admin, workspace) = await DomainPeople.CompanyAsync(app, domain);
        var colleague = await DomainPeople.VerifiedAsync(app, domain);

        using var asked = await colleague.Client.RequestToJoinAsync(workspace.Id);
        Assert.Equal(HttpStatusCode.Created, asked.StatusCode);
        var request = await ApiClient.ReadAsync<JoinRequestResponse>(asked);
        Assert.Equal("pending", request.Status);

        // Asking again answers the pending request; the Admin was told once.
        using var again = await colleague.Client.RequestToJoinAsync(workspace.Id);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(request.Id, (await ApiClient.ReadAsync<JoinRequestResponse>(again)).Id);
        Assert.True(Assert.Single(await colleague.Client.DiscoverAsync()).Requested);
        Assert.Single(await app.OutboxToAsync(admin.Email), m => m.Kind == AdminJoinNotices.RequestedKind);

        var pending = Assert.Single(await admin.Client.PendingAsync(workspace.Id));
        Assert.Equal((request.Id!.Value, colleague.Id, colleague.Email), (pending.Id, pending.UserId, pending.Email));

        using var approved = await admin.Client.ApproveAsync(workspace.Id, request.Id.Value, "member");
        await approved.EnsureSuccessAsync();
        var decided = await ApiClient.ReadAsync<JoinRequestResponse>(approved);
        Assert.Equal(("approved", "Member"), (decided.Status, decided.Permission));

        var me = await colleague.Client.GetMeAsync();
        var joined = Assert.Single(me.Workspaces);
        Assert.Equal((workspace.Id, "Member"), (joined.Id, joined.Permission));
        var membership = Assert.Single(await admin.Client.ListMembersAsync(workspace.Id), m => m.UserId == colleague.Id);
        Assert.Equal("join_request", membership.Source);
        Assert.Empty(await admin.Client.PendingAsync(workspace.Id));
        Assert.Empty(await colleague.Client.DiscoverAsync());

        var told = Assert.Single(await app.OutboxToAsync(colleague.Email), m => m.Kind == "join_request.approved");
        Assert.Contains(workspace.Name, told.Subject, StringComparison.Ordinal);
        var entry = Assert.Single(await app.AuditEntriesAsync(workspace.Id), e => e.Action == AuditActions.JoinRequestApproved);
        Assert.Equal(admin.Id, entry.ActorUserId);

        // The approving Admin is not told that someone joined (they did it); deciding again is 404.
        Assert.DoesNotContain(await app.OutboxToAsync(admin.Email), m => m.Kind == AdminJoinNotices.JoinedKind);
        using var twice = await admin.Client.DeclineAsync(workspace.Id, request.Id.Value);
        await twice.AssertProblemAsync(HttpStatusCode.NotFound, "join_request.not_found");
    }

    [Fact]
    public async Task Decline_TellsTheRequester_RecordsIt_AndAskingAgainWithinADayIsRefusedWithoutMailingTheAdmins()
    {
        var domain = DomainPeople.NewDomain();
        var (admin, workspace) = await DomainPeople.CompanyAsync(app, domain);
        var colleague = await DomainPeople.VerifiedAsync(app, domain);
        using var asked = await colleague.Client.RequestToJoinAsync(workspace.Id);
        var request = await ApiClient.ReadAsync<JoinRequestResponse>(asked);

        using var declined = await admin.Client.DeclineAsync(workspace.Id, request.Id!.Value);
        await declined.EnsureSuccessAsync();

        Assert.Empty((await colleague.Client.GetMeAsync()).Workspaces);
        Assert.Single(await app.OutboxToAsync(colleague.Email), m => m.Kind == "join_request.declined");
        Assert.Single(await app.AuditEntriesAsync(workspace.Id), e => e.Action == AuditActions.JoinRequestDeclined);
        Assert.False(Assert.Single(await colleague.Client.DiscoverAsync()).Requested);
        var adminMail = (await app.OutboxToAsync(admin.Email)).Count;
        using var again = await colleague.Client.RequestToJoinAsync(workspace.Id);
        await again.AssertProblemAsync(HttpStatusCode.Conflict, "join_request.declined_recently");
        Assert.Equal(adminMail, (await app.OutboxToAsync(admin.Email)).Count);
    }

    [Fact]
    public async Task Approve_SomeoneWhoJoinedAnotherWayMeanwhile_ClosesTheRequest_KeepsTheirPermission_AndMailsNobody()
    {
        var domain = DomainPeople.NewDomain();
        var (admin, workspace) = await DomainPeople.CompanyAsync(app, domain);
        var colleague = await DomainPeople.VerifiedAsync(app, domain);
        using var asked = await colleague.Client.RequestToJoinAsync(workspace.Id);
        var request = await ApiClient.ReadAsync<JoinRequestResponse>(asked);
        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Viewer");
        using var joined = await colleague.Client.AcceptAsync(ApiClient.TokenOf(link));
        await joined.EnsureSuccessAsync();

        using var approved = await admin.Client.ApproveAsync(workspace.Id, request.Id!.Value, "Member");

        Assert.Equal("approved", (await ApiClient.ReadAsync<JoinRequestResponse>(approved)).Status);
        Assert.Empty(await admin.Client.PendingAsync(workspace.Id));
        Assert.Equal("Viewer", Assert.Single((await colleague.Client.GetMeAsync()).Workspaces).Permission);
        Assert.DoesNotContain(await app.OutboxToAsync(colleague.Email), m => m.Kind == "join_request.approved");
    }

    [Fact]
    public async Task Pending_IsPagedOldestFirst_WithACursorAndTheTotal()
    {
        var domain = DomainPeople.NewDomain();
        var (admin, workspace) = await DomainPeople.CompanyAsync(app, domain);
        for (var i = 0; i < 3; i++)
        {
            var colleague = await DomainPeople.VerifiedAsync(app, domain);
            using var asked = await colleague.Client.RequestToJoinAsync(workspace.Id);
            await asked.EnsureSuccessAsync();
        }

        var path = $"/api/v1/workspaces/{workspace.Id}/join-requests";
        var first = await ApiClient.GetAsync<Roster.Infrastructure.Web.Page<PendingJoinRequest>>(admin.Client, $"{path}?limit=2");
        var second = await ApiClient.GetAsync<Roster.Infrastructure.Web.Page<PendingJoinRequest>>(admin.Client, $"{path}?limit=2&after={first.Next}");

        Assert.Equal((2, 3), (first.Items.Count, first.Total));
        Assert.Null(second.Next);
        Assert.Equal(3, first.Items.Concat(second.Items).Select(r => r.Id).Distinct().Count());
        Assert.True(first.Items[0].CreatedAt <= first.Items[1].CreatedAt);
    }

    [Fact]
    public async Task Approve_IntoAFullWorkspace_Answers409_AndTheRequestStaysPending()
    {
        var domain = DomainPeople.NewDomain();
        var (admin, workspace) = await DomainPeople.CompanyAsync(app, domain);
        var colleague = await DomainPeople.VerifiedAsync(app, domain);
        using var asked = await colleague.Client.RequestToJoinAsync(workspace.Id);
        var request = await ApiClient.ReadAsync<JoinRequestResponse>(asked);
        for (var i = 0; i < 4; i++)
        {
            await TestUsers.JoinAsync(app, admin, workspace.Id, "Viewer");
        }

        using var full = await admin.Client.ApproveAsync(workspace.Id, request.Id!.Value, "Member");
        await full.AssertProblemAsync(HttpStatusCode.Conflict, "plan.member_limit_reached");
        Assert.Equal(request.Id, Assert.Single(await admin.Client.PendingAsync(workspace.Id)).Id);
        Assert.Empty((await colleague.Client.GetMeAsync()).Workspaces);
        Assert.DoesNotContain(await app.OutboxToAsync(colleague.Email), m => m.Kind == "join_request.approved");

        using var unknownPermission = await admin.Client.ApproveAsync(workspace.Id, request.Id.Value, "Nobody");
        await unknownPermission.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task Automatic_JoinsAtOnce_AsTheChosenPermission_ThroughTheCompanyDomain()
    {
        var domain = DomainPeople.NewDomain();
        var (admin, workspace) = await DomainPeople.CompanyAsync(app, domain, TestPlans.Pro);
        using var set = await admin.Client.PatchWorkspaceAsync(workspace.Id, new { joinPolicy = "automatic", autoJoinPermission = "Viewer" });
        await set.EnsureSuccessAsync();
        var colleague = await DomainPeople.VerifiedAsync(app, domain);
        Assert.Equal("automatic", Assert.Single(await colleague.Client.DiscoverAsync()).JoinPolicy);

        using var joined = await colleague.Client.RequestToJoinAsync(workspace.Id);
        Assert.Equal(HttpStatusCode.Created, joined.StatusCode);
        var answer = await ApiClient.ReadAsync<JoinRequestResponse>(joined);
        Assert.Equal(("joined", "Viewer"), (answer.Status, answer.Permission));
        var member = Assert.Single(await admin.Client.ListMembersAsync(workspace.Id), m => m.UserId == colleague.Id);
        Assert.Equal(("Viewer", "company_domain"), (member.Permission, member.Source));
        Assert.Single(await app.OutboxToAsync(admin.Email), m => m.Kind == AdminJoinNotices.JoinedKind);
        Assert.Single(await app.AuditEntriesAsync(workspace.Id), e => e.Action == AuditActions.MemberJoinedByDomain);

        // Moved to a plan without automatic join: people ask instead.
        await app.SetPlanAsync(workspace.Id, TestPlans.Free);
        var another = await DomainPeople.VerifiedAsync(app, domain);
        Assert.Equal("request", Assert.Single(await another.Client.DiscoverAsync()).JoinPolicy);
    }

    [Fact]
    public async Task AdminNotices_ForEveryDoor_UnlessTheAdminTurnedThemOff()
    {
        var domain = DomainPeople.NewDomain();
        var (admin, workspace) = await DomainPeople.CompanyAsync(app, domain);
        await TestUsers.JoinAsync(app, admin, workspace.Id, "Member");
        Assert.Single(await app.OutboxToAsync(admin.Email), m => m.Kind == AdminJoinNotices.JoinedKind);

        using var off = await admin.Client.PutAsJsonAsync(new Uri($"/api/v1/workspaces/{workspace.Id}/notifications", UriKind.Relative), new { joinNotices = false }, Cancel);
        await off.EnsureSuccessAsync();
        Assert.False((await ApiClient.GetAsync<JoinNoticesResponse>(admin.Client, $"/api/v1/workspaces/{workspace.Id}/notifications")).JoinNotices);
        await TestUsers.JoinAsync(app, admin, workspace.Id, "Member");
        var colleague = await DomainPeople.VerifiedAsync(app, domain);
        using var asked = await colleague.Client.RequestToJoinAsync(workspace.Id);
        await asked.EnsureSuccessAsync();
        Assert.Single(await app.OutboxToAsync(admin.Email), m => m.Kind is AdminJoinNotices.JoinedKind or AdminJoinNotices.RequestedKind);

        using var bad = await admin.Client.PutAsJsonAsync(new Uri($"/api/v1/workspaces/{workspace.Id}/notifications", UriKind.Relative), new { }, Cancel);
        await bad.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task Requests_AreRateLimitedPerAccount()
    {
        var domain = DomainPeople.NewDomain();
        var admin = await DomainPeople.VerifiedAsync(app, domain);
        var workspaces = new List<Guid>();
        for (var i = 0; i <= JoinRequestService.MaxPerAccountPerHour; i++)
        {
            workspaces.Add((await admin.Client.CreateWorkspaceAsync($"Team {i}")).Id);
        }

        var colleague = await DomainPeople.VerifiedAsync(app, domain);
        foreach (var id in workspaces.Take(JoinRequestService.MaxPerAccountPerHour))
        {
            using var asked = await colleague.Client.RequestToJoinAsync(id);
            Assert.Equal(HttpStatusCode.Created, asked.StatusCode);
        }

        using var limited = await colleague.Client.RequestToJoinAsync(workspaces[^1]);
        await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.True(limited.Headers.RetryAfter is not null);
    }

    [Fact]
    public async Task DeletingTheWorkspace_DeletesItsRequests()
    {
        var domain = DomainPeople.NewDomain();
        var (admin, workspace) = await DomainPeople.CompanyAsync(app, domain);
        var colleague = await DomainPeople.VerifiedAsync(app, domain);
        using var asked = await colleague.Client.RequestToJoinAsync(workspace.Id);
        await asked.EnsureSuccessAsync();

        using var deleted = await admin.Client.DeleteAsync(new Uri($"/api/v1/workspaces/{workspace.Id}", UriKind.Relative), Cancel);
        await deleted.EnsureSuccessAsync();

        Assert.Equal(0, await app.QueryAsync(db => db.JoinRequests.CountAsync(r => r.WorkspaceId == workspace.Id, Cancel)));
        Assert.Empty(await colleague.Client.DiscoverAsync());
    }

    [Fact]
    public async Task Discovery_TakesAboutAsLong_WhetherOrNotAWorkspaceMatches()
    {
        var domain = DomainPeople.NewDomain();
        await DomainPeople.CompanyAsync(app, domain);
        var matched = await DomainPeople.VerifiedAsync(app, domain);
        var unmatched = await DomainPeople.VerifiedAsync(app, DomainPeople.NewDomain());

        async Task<double> TimeAsync(TestUser user)
        {
            var watch = Stopwatch.StartNew();
            using var response = await user.Client.GetAsync(new Uri("/api/v1/me/discoverable-workspaces", UriKind.Relative), Cancel);
            watch.Stop();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return watch.Elapsed.TotalMilliseconds;
        }

        await TimeAsync(matched);
        await TimeAsync(unmatched);
        var matchedTimes = new List<double>();
        var unmatchedTimes = new List<double>();
        for (var round = 0; round < 15; round++)
        {
            matchedTimes.Add(await TimeAsync(matched));
            unmatchedTimes.Add(await TimeAsync(unmatched));
        }

        var matchedMedian = Median(matchedTimes);
        var unmatchedMedian = Median(unmatchedTimes);
        TestContext.Current.TestOutputHelper?.WriteLine($"Median discovery: matched {matchedMedian:0.00} ms, unmatched {unmatchedMedian:0.00} ms.");

        // Generous: a busy machine moves both; a skipped query would halve one of them. 2 ms of slack for tiny numbers.
        Assert.True(unmatchedMedian + 2 > matchedMedian * 0.5, $"Unmatched {unmatchedMedian:0.00} ms, matched {matchedMedian:0.00} ms.");
        Assert.True(matchedMedian + 2 > unmatchedMedian * 0.5, $"Matched {matchedMedian:0.00} ms, unmatched {unmatchedMedian:0.00} ms.");
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
