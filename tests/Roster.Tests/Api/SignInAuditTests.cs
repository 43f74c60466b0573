using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Roster.Features.Audit;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Api;

/// <summary>
/// Sign-in success, failure and lockout are recorded per account (SPEC section 7), on the API's login and the
/// sign-in page alike, and the person sees them on /account.
/// </summary>
public sealed class SignInAuditTests(RosterApp app)
{
    private static readonly CancellationToken Cancel = TestContext.Current.CancellationToken;

    [Fact]
    public async Task ApiLogin_RecordsSuccessFailureAndLockout_OnTheAccount()
    {
        var email = TestUsers.NewEmail();
        var user = await TestUsers.RegisterAsync(app, email);
        var client = app.CreateHttpClient();

        // Four wrong passwords fail; the fifth locks the account; the right password is then refused as locked out.
        for (var attempt = 0; attempt < 6; attempt++)
        {
            using var refused = await client.PostAsJsonAsync(
                "/api/v1/auth/login", new { email, password = attempt < 5 ? "not-the-password-at-all" : TestUsers.Password }, Cancel);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        var entries = await app.AccountEntriesAsync(user.Id);
        Assert.Equal(
            [
                AuditActions.SignInSucceeded, AuditActions.SignInFailed, AuditActions.SignInFailed, AuditActions.SignInFailed, AuditActions.SignInFailed,
                AuditActions.SignInLockedOut, AuditActions.SignInLockedOut,
            ],
            entries.Select(e => e.Action));
        Assert.All(entries, e =>
        {
            Assert.Null(e.WorkspaceId);
            Assert.Equal("127.0.0.1", e.ClientAddress);
            Assert.Equal(TimeSpan.Zero, e.OccurredAt.Offset);
            Assert.DoesNotContain(TestUsers.Password, $"{e.Details}{e.Reason}{e.TargetLabel}", StringComparison.Ordinal);
        });
        Assert.Equal((AuditOutcome.Success, AuditActorType.User, user.Id), (entries[0].Outcome, entries[0].ActorType, entries[0].ActorUserId));
        Assert.All(entries.Skip(1), e => Assert.Equal((AuditOutcome.Refused, AuditActorType.Anonymous), (e.Outcome, e.ActorType)));
        Assert.Equal("account.locked_out", entries[^1].Reason);
    }

    [Fact]
    public async Task UnknownEmail_IsRecordedAsAFailure_WithNoAccount_AndNeitherTheAddressNorThePassword()
    {
        var email = TestUsers.NewEmail();
        const string password = "whatever-password-typed";
        Task<int> Unknowns(Roster.Infrastructure.Data.RosterDbContext db) =>
            db.AuditEntries.CountAsync(e => e.AccountId == null && e.Action == AuditActions.SignInFailed && e.Reason == "account.unknown", Cancel);
        var before = await app.QueryAsync(Unknowns);

        using var refused = await app.CreateHttpClient().PostAsJsonAsync("/api/v1/auth/login", new { email, password }, Cancel);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        // Every authentication decision is logged (ASVS V7.2.1), as one write, like a known account's failure.
        Assert.True(await app.QueryAsync(Unknowns) > before);
        var leaked = await app.QueryAsync(db => db.AuditEntries.CountAsync(
            e => (e.Details != null && (e.Details.Contains(email) || e.Details.Contains(password))) || (e.TargetLabel != null && e.TargetLabel.Contains(email)), Cancel));
        Assert.Equal(0, leaked);
    }

    [Fact]
    public async Task LoginPage_RecordsItsSignIns_AndAccountPageShowsThem()
    {
        var user = await TestUsers.RegisterAsync(app);
        var browser = app.CreateHttpClient(new CookieContainer());
        foreach (var password in new[] { "a-wrong-password-here", user.Password })
        {
            var page = await browser.GetStringAsync("/login", Cancel);
            var form = TestUsers.HiddenFields(page);
            form["Email"] = user.Email;
            form["Password"] = password;
            using var posted = await browser.PostAsync(new Uri("/login", UriKind.Relative), new FormUrlEncodedContent(form), Cancel);
            Assert.Equal(password == user.Password ? HttpStatusCode.Redirect : HttpStatusCode.OK, posted.StatusCode);
        }

        Assert.Equal(
            [AuditActions.SignInSucceeded, AuditActions.SignInFailed, AuditActions.SignInSucceeded],
            (await app.AccountEntriesAsync(user.Id)).Select(e => e.Action));

        var account = await browser.GetStringAsync("/account", Cancel);
        Assert.Contains("Recent sign-in activity", account, StringComparison.Ordinal);
        Assert.Contains(WebUtility.HtmlEncode(user.Email), account, StringComparison.Ordinal);
        Assert.Equal(2, CountOf(account, "<td>Signed in</td>"));
        Assert.Equal(1, CountOf(account, "<td>Failed: wrong password</td>"));
        Assert.Equal(3, CountOf(account, "<td>127.0.0.1</td>"));
    }

    [Fact]
    public async Task AccountPage_SignedOut_GoesToSignIn()
    {
        using var response = await app.CreateHttpClient().GetAsync(new Uri("/account", UriKind.Relative), Cancel);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.Equal("/login", (location.IsAbsoluteUri ? location.AbsolutePath : location.OriginalString).Split('?')[0]);
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;
}
