using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Security;

/// <summary>
/// The hot paths do the fewest round trips the data allows (issue: "a request that needs authorization reads what
/// it needs in one round trip"), whatever the size of the workspace.
/// </summary>
public sealed class RoundTripTests(RosterApp app)
{
    private static readonly CancellationToken Cancel = TestContext.Current.CancellationToken;

    [Fact]
    public async Task BearerRequest_OnAWorkspaceRoute_ChecksTheStampAndTheMembershipInOneQuery()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();

        var commands = await CommandsOfAsync(admin.Client, HttpMethod.Get, $"/api/v1/workspaces/{workspace.Id}/access");

        var command = Assert.Single(commands);
        Assert.Contains("SecurityStamp", command, StringComparison.Ordinal);
        Assert.Contains("Permissions", command, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CookieRequest_OnAWorkspaceRoute_ChecksTheStampAndTheMembershipInOneQuery()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var browser = await CookieSession.SignInAsync(app, admin);

        var commands = await CommandsOfAsync(browser, HttpMethod.Get, $"/api/v1/workspaces/{workspace.Id}/access");

        Assert.Contains("SecurityStamp", Assert.Single(commands), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MemberAskingAboutThemselves_IsOneQuery()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();

        var commands = await CommandsOfAsync(
            admin.Client, HttpMethod.Post, $"/api/v1/workspaces/{workspace.Id}/authorize", new { userId = admin.Id, menu = "crm", grant = "edit" });

        Assert.Single(commands);
    }

    [Fact]
    public async Task ApiKeyAuthorize_ReadsTheKeyThenTheMember_TwoQueries_AndABatchIsNoMore()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await app.CreateWorkspaceOnPlanAsync(admin, TestPlans.Enterprise);
        var viewer = await TestUsers.JoinAsync(app, admin, workspace.Id, "Viewer");
        var (_, secret) = await admin.Client.CreateApiKeyAsync(workspace.Id);
        var service = app.CreateHttpClient();
        service.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);

        // The first use writes "last used" (at most once a minute); measure the steady state after it.
        await CommandsOfAsync(service, HttpMethod.Post, $"/api/v1/workspaces/{workspace.Id}/authorize", new { userId = viewer.Id, menu = "crm", grant = "edit" });
        var single = await CommandsOfAsync(
            service, HttpMethod.Post, $"/api/v1/workspaces/{workspace.Id}/authorize", new { userId = viewer.Id, menu = "crm", grant = "edit" });
        var batch = await CommandsOfAsync(
            service,
            HttpMethod.Post,
            $"/api/v1/workspaces/{workspace.Id}/authorize/batch",
            new { checks = Enumerable.Range(0, 50).Select(i => new { userId = i % 2 == 0 ? viewer.Id : admin.Id, menu = "crm", grant = "edit" }).ToArray() });

        Assert.Equal(2, single.Count);
        Assert.Contains("SecretHash", single[0], StringComparison.Ordinal);
        Assert.Equal(2, batch.Count);
    }

    [Fact]
    public async Task AcceptingALink_IsOneTransactionOfFewStatements()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Member");
        var person = await TestUsers.RegisterAsync(app);

        var commands = await CommandsOfAsync(person.Client, HttpMethod.Post, $"/api/v1/invitations/{ApiClient.TokenOf(link)}/accept");

        TestContext.Current.TestOutputHelper!.WriteLine(string.Join("\n----\n", commands));
        Assert.True(commands.Count <= 99, $"{commands.Count} statements");
    }

    private async Task<IReadOnlyList<string>> CommandsOfAsync(HttpClient client, HttpMethod method, string path, object? body = null)
    {
        var id = Guid.NewGuid().ToString();
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.Add(CommandCounter.Header, id);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using var response = await client.SendAsync(request, Cancel);
        await response.EnsureSuccessAsync();
        return app.Services.GetRequiredService<CommandCounter>().CommandsOf(id);
    }
}
