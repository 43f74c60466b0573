using System.Net;
using System.Net.Http.Headers;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Security;

/// <summary>Two app instances on one database, as behind a load balancer: no correctness lives in one instance's memory.</summary>
public sealed class MultiInstanceTests(RosterApp app)
{
    [Fact]
    public async Task Accepts_split_across_two_instances_never_exceed_the_link_maximum()
    {
        await using var second = await app.StartSecondInstanceAsync();
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Member", maxUses: 3);
        var token = ApiClient.TokenOf(link);
        var people = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => TestUsers.RegisterAsync(app)));

        var statuses = await Task.WhenAll(people.Select(async (person, index) =>
        {
            // Every other person goes through the second instance, with the token the first one issued.
            var client = person.Client;
            if (index % 2 == 1)
            {
                client = second.CreateHttpClient();
                client.DefaultRequestHeaders.Authorization = person.Client.DefaultRequestHeaders.Authorization;
            }

            using var response = await client.AcceptAsync(token);
            return response.StatusCode;
        }));

        Assert.Equal(3, statuses.Count(status => status == HttpStatusCode.OK));
        Assert.All(statuses.Where(status => status != HttpStatusCode.OK), status => Assert.Equal(HttpStatusCode.Gone, status));
        Assert.Equal(4, (await admin.Client.ListMembersAsync(workspace.Id)).Count);
    }

    [Fact]
    public async Task A_bearer_token_issued_by_one_instance_works_on_the_other()
    {
        await using var second = await app.StartSecondInstanceAsync();
        var user = await TestUsers.RegisterAsync(app);
        using var onSecond = second.CreateHttpClient();
        onSecond.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", user.Client.DefaultRequestHeaders.Authorization!.Parameter);

        var me = await onSecond.GetMeAsync();

        Assert.Equal(user.Id, me.Id);
        var workspace = await onSecond.CreateWorkspaceAsync("Made on the second instance");
        Assert.Contains(workspace.Id, (await user.Client.GetMeAsync()).Workspaces.Select(w => w.Id));
    }
}
