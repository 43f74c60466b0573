using System.Net;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Security;

/// <summary>
/// The plan's member limit under concurrent accepts (SPEC sections 4 and 6): the conditional update on the workspace's
/// member count admits exactly as many as fit, on one instance or several.
/// </summary>
public sealed class MemberLimitConcurrencyTests(RosterApp app)
{
    private const int People = 30;

    [Fact]
    public async Task Accept_ThirtyAtOnceIntoAFreeWorkspaceWithThreeMembers_AdmitsExactlyTwo()
    {
        var (admin, workspaceId, token, people) = await PrepareAsync();

        var answers = await Task.WhenAll(people.Select(person => AcceptAsync(person.Client, token)));

        await AssertExactlyTwoJoinedAsync(admin, workspaceId, people, answers);
    }

    [Fact]
    public async Task Accept_ThirtyAtOnceSplitAcrossTwoInstances_AdmitsExactlyTwo()
    {
        await using var second = await app.StartSecondInstanceAsync();
        var (admin, workspaceId, token, people) = await PrepareAsync();

        var answers = await Task.WhenAll(people.Select((person, index) =>
        {
            // Every other person goes through the second instance, with the token the first one issued.
            var client = person.Client;
            if (index % 2 == 1)
            {
                client = second.CreateHttpClient();
                client.DefaultRequestHeaders.Authorization = person.Client.DefaultRequestHeaders.Authorization;
            }

            return AcceptAsync(client, token);
        }));

        await AssertExactlyTwoJoinedAsync(admin, workspaceId, people, answers);
    }

    /// <summary>A Free workspace (5 members) with 3 members, an unlimited Member link, and 30 people to accept it.</summary>
    private async Task<(TestUser Admin, Guid WorkspaceId, string Token, TestUser[] People)> PrepareAsync()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        await TestUsers.JoinAsync(app, admin, workspace.Id, "Member");
        await TestUsers.JoinAsync(app, admin, workspace.Id, "Viewer");
        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Member");
        var people = await Task.WhenAll(Enumerable.Range(0, People).Select(_ => TestUsers.RegisterAsync(app)));
        return (admin, workspace.Id, ApiClient.TokenOf(link), people);
    }

    private static async Task<(HttpStatusCode Status, string Body)> AcceptAsync(HttpClient client, string token)
    {
        using var response = await client.AcceptAsync(token);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    private static async Task AssertExactlyTwoJoinedAsync(TestUser admin, Guid workspaceId, TestUser[] people, (HttpStatusCode Status, string Body)[] answers)
    {
        Assert.All(answers, answer => Assert.True((int)answer.Status < 500, $"{(int)answer.Status}: {answer.Body}"));
        Assert.Equal(2, answers.Count(answer => answer.Status == HttpStatusCode.OK));
        Assert.All(answers.Where(answer => answer.Status != HttpStatusCode.OK), answer =>
        {
            Assert.Equal(HttpStatusCode.Conflict, answer.Status);
            Assert.Contains("\"code\":\"plan.member_limit_reached\"", answer.Body, StringComparison.Ordinal);
        });

        var members = await admin.Client.ListMembersAsync(workspaceId);
        Assert.Equal(5, members.Count);
        var admitted = people.Zip(answers).Where(pair => pair.Second.Status == HttpStatusCode.OK).Select(pair => pair.First.Id).Order();
        Assert.Equal(admitted, members.Select(m => m.UserId).Intersect(people.Select(p => p.Id)).Order());
        var workspace = Assert.Single((await admin.Client.GetMeAsync()).Workspaces, w => w.Id == workspaceId);
        Assert.Equal(5, workspace.MemberCount);

        // Only admitted accepts count a use: the refused ones rolled theirs back.
        var link = Assert.Single(await admin.Client.ListLinksAsync(workspaceId), l => l.Uses == 2 && l.MaxUses is null);
        Assert.Equal("active", link.Status);
    }
}
