using System.Net;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Security;

/// <summary>Opening a link (a person, a mail scanner, a link preview) is a GET: it shows, and changes nothing.</summary>
public sealed class LinkOpeningTests(RosterApp app)
{
    [Fact]
    public async Task GetLinkPageAndPreview_AnonymousAndSignedIn_JoinNobodyAndConsumeNoUse()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Member", maxUses: 1);
        var token = ApiClient.TokenOf(link);
        var visitor = await TestUsers.RegisterAsync(app);
        var visitorBrowser = await CookieSession.SignInAsync(app, visitor);
        var anonymous = app.CreateHttpClient();

        using var anonymousPage = await anonymous.GetAsync(new Uri($"/invite/{token}", UriKind.Relative), TestContext.Current.CancellationToken);
        using var signedInPage = await visitorBrowser.GetAsync(new Uri($"/invite/{token}", UriKind.Relative), TestContext.Current.CancellationToken);
        using var anonymousPreview = await anonymous.PreviewAsync(token);
        using var signedInPreview = await visitor.Client.PreviewAsync(token);
        using var headPage = await anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/invite/{token}"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, anonymousPage.StatusCode);
        Assert.Contains(workspace.Name, await anonymousPage.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, signedInPage.StatusCode);
        Assert.Contains(visitor.Email, await signedInPage.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, anonymousPreview.StatusCode);
        Assert.Equal(HttpStatusCode.OK, signedInPreview.StatusCode);
        Assert.True((int)headPage.StatusCode < 500, $"HEAD answered {(int)headPage.StatusCode}");

        var listed = await admin.Client.GetLinkAsync(workspace.Id, link.Id);
        Assert.Equal((0, "active"), (listed.Uses, listed.Status));
        Assert.Equal([admin.Id], (await admin.Client.ListMembersAsync(workspace.Id)).Select(member => member.UserId));
        Assert.Empty((await visitor.Client.GetMeAsync()).Workspaces);
    }

    [Fact]
    public async Task GetLinkPage_KeepsTheTokenOutOfCachesAndReferrers()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var link = await admin.Client.CreateLinkAsync(workspace.Id, "Viewer");

        using var page = await app.CreateHttpClient().GetAsync(new Uri(link.Url), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("no-store", page.Headers.CacheControl?.ToString() ?? "", StringComparison.Ordinal);
        Assert.Equal("no-referrer", Assert.Single(page.Headers.GetValues("Referrer-Policy")));
    }
}
