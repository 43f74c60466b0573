using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Security;

/// <summary>
/// Concurrent sign-ups of one address (issue 7 item 7): one account, and every answer is what a sequential duplicate gets
/// (200, the owner told by email), never a 500 or a <c>DuplicateUserName</c> 400.
/// </summary>
public sealed class ConcurrentRegistrationTests(RosterApp app)
{
    private static readonly CancellationToken Cancel = TestContext.Current.CancellationToken;

    [Fact]
    public async Task TwentyFiveRegistrationsOfOneAddressAtOnce_HalfUpperCase_MakeOneAccount_AndAllAnswerAsASequentialDuplicate()
    {
        var email = TestUsers.NewEmail();
        using var gate = new SemaphoreSlim(0);
        var requests = Enumerable.Range(0, 25).Select(async i =>
        {
            var client = app.CreateHttpClient();
            await gate.WaitAsync(Cancel);
            using var response = await client.PostAsJsonAsync(
                "/api/v1/auth/register", new { email = i % 2 == 0 ? email : email.ToUpperInvariant(), password = TestUsers.Password }, Cancel);
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync(Cancel));
        }).ToList();
        gate.Release(25);
        var answers = await Task.WhenAll(requests);

        using var sequential = await app.CreateHttpClient().PostAsJsonAsync("/api/v1/auth/register", new { email, password = TestUsers.Password }, Cancel);
        var expected = (sequential.StatusCode, Body: await sequential.Content.ReadAsStringAsync(Cancel));

        Assert.Equal(HttpStatusCode.OK, expected.StatusCode);
        Assert.All(answers, answer => Assert.Equal(expected, answer));
        var normalized = email.ToUpperInvariant();
        Assert.Equal(1, await app.QueryAsync(db => db.Users.CountAsync(u => u.NormalizedEmail == normalized, Cancel)));
        var signedIn = await TestUsers.LoginAsync(app, email);
        Assert.Equal(email, (await signedIn.Client.GetMeAsync()).Email, ignoreCase: true);
    }

    [Fact]
    public async Task FirstSignInsOfOneAccountAtOnce_CreateOneWorkspace_AndAllOpenIt()
    {
        var user = await TestUsers.RegisterAsync(app);
        var browsers = new List<(HttpClient Client, Dictionary<string, string> Form)>();
        for (var i = 0; i < 6; i++)
        {
            var client = app.CreateHttpClient(new CookieContainer());
            var form = TestUsers.HiddenFields(await client.GetStringAsync(new Uri("/login", UriKind.Relative), Cancel));
            form["Email"] = user.Email;
            form["Password"] = user.Password;
            browsers.Add((client, form));
        }

        using var gate = new SemaphoreSlim(0);
        var signIns = browsers.Select(async browser =>
        {
            await gate.WaitAsync(Cancel);
            using var response = await browser.Client.PostAsync(new Uri("/login", UriKind.Relative), new FormUrlEncodedContent(browser.Form), Cancel);
            return (response.StatusCode, Location: response.Headers.Location?.OriginalString);
        }).ToList();
        gate.Release(signIns.Count);
        var answers = await Task.WhenAll(signIns);

        var workspaces = await app.QueryAsync(db => db.Memberships.Where(m => m.UserId == user.Id).Select(m => m.WorkspaceId).ToListAsync(Cancel));
        var workspace = Assert.Single(workspaces);
        Assert.All(answers, answer => Assert.Equal((HttpStatusCode.Redirect, $"/w/{workspace}"), answer));
    }
}
