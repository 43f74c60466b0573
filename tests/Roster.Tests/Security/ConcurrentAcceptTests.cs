using System.Net;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Security;

public sealed class ConcurrentAcceptTests(RosterApp app)
{
    [Fact]
    public async Task Accept_FortyAtOnceOnAFiveUseLink_AdmitsExactlyFive()
    {
        const int people = 40;
        const int maxUses = 5;
        var admin = await TestUsers.RegisterAsync(app);

        // Six members in the end: more than the Free plan allows. The plan's limit has its own test (MemberLimitConcurrencyTests).
        var workspace = await app.CreateWorkspaceOnPlanAsync(admin, TestPlans.Enterprise);
        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Member", maxUses: maxUses);
        var token = ApiClient.TokenOf(link);
        var users = await Task.WhenAll(Enumerable.Range(0, people).Select(_ => TestUsers.RegisterAsync(app)));

        var responses = await Task.WhenAll(users.Select(async user =>
        {
            using var response = await user.Client.AcceptAsync(token);
            return (User: user, response.StatusCode, Body: await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), response.Content.Headers.ContentType?.MediaType);
        }));

        Assert.All(responses, answer => Assert.True((int)answer.StatusCode < 500, $"{(int)answer.StatusCode}: {answer.Body}"));
        var admitted = responses.Where(answer => answer.StatusCode == HttpStatusCode.OK).Select(answer => answer.User.Id).ToHashSet();
        Assert.Equal(maxUses, admitted.Count);
        Assert.All(responses.Where(answer => answer.StatusCode != HttpStatusCode.OK), answer =>
        {
            Assert.Equal(HttpStatusCode.Gone, answer.StatusCode);
            Assert.Equal("application/problem+json", answer.MediaType);
            Assert.Contains("\"code\":\"invitation.used_up\"", answer.Body, StringComparison.Ordinal);
        });

        var members = await admin.Client.ListMembersAsync(workspace.Id);
        Assert.Equal(maxUses + 1, members.Count);
        Assert.Equal(admitted.Order(), members.Where(member => member.UserId != admin.Id).Select(member => member.UserId).Order());
        Assert.All(members.Where(member => member.UserId != admin.Id), member => Assert.Equal((link.Id, "Member"), (member.InvitationLinkId!.Value, member.Permission)));
        var listed = await admin.Client.GetLinkAsync(workspace.Id, link.Id);
        Assert.Equal((maxUses, "used_up"), (listed.Uses, listed.Status));
    }

    [Fact]
    public async Task Accept_SamePersonTenTimesAtOnce_JoinsOnceAndCountsOneUse()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Viewer", maxUses: 3);
        var token = ApiClient.TokenOf(link);
        var user = await TestUsers.RegisterAsync(app);

        var statuses = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ =>
        {
            using var response = await user.Client.AcceptAsync(token);
            return response.StatusCode;
        }));

        Assert.Equal(1, statuses.Count(status => status == HttpStatusCode.OK));
        Assert.All(statuses.Where(status => status != HttpStatusCode.OK), status => Assert.Equal(HttpStatusCode.Conflict, status));
        Assert.Equal(1, (await admin.Client.GetLinkAsync(workspace.Id, link.Id)).Uses);
        Assert.Equal(2, (await admin.Client.ListMembersAsync(workspace.Id)).Count);
    }
}
