using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Roster.Features.Accounts;
using Roster.Features.Audit;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Security;

/// <summary>
/// Account pre-hijacking (issue 7 item 7): a stranger signs up with someone else's address, builds a workspace and lets
/// a second account of theirs in as Admin. When the owner first proves the address, every session and token from before
/// ends, sign-in methods added before the proof go, and the owner is shown the workspaces with who else is Admin there.
/// </summary>
public sealed class PreHijackingTests(RosterApp app)
{
    private static readonly CancellationToken Cancel = TestContext.Current.CancellationToken;

    [Fact]
    public async Task AResetByTheAddressesOwner_EndsTheStrangersTokens_DropsTheirLogins_AndShowsWhatTheAccountHolds()
    {
        var (stranger, workspace, _) = await PreHijackAsync();

        // The owner of the address asks for a reset and sets their own password from the emailed link, on the page.
        var browser = app.CreateHttpClient(new CookieContainer());
        using (var forgot = await app.CreateHttpClient().PostAsJsonAsync("/api/v1/auth/forgot-password", new { email = stranger.Email }, Cancel))
        {
            await forgot.EnsureSuccessAsync();
        }

        var message = await app.Mailbox.WaitForMessageAsync(stranger.Email, m => m.Subject == "Reset your Roster password");
        var link = Mailbox.FirstLink(message);
        var form = TestUsers.HiddenFields(await browser.GetStringAsync(new Uri(link.PathAndQuery, UriKind.Relative), Cancel));
        form["Password"] = "the owners own passphrase 9";
        using var reset = await browser.PostAsync(new Uri(link.PathAndQuery, UriKind.Relative), new FormUrlEncodedContent(form), Cancel);

        Assert.Equal(HttpStatusCode.Redirect, reset.StatusCode);
        Assert.StartsWith("/account/proven", reset.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var proven = await browser.GetStringAsync(reset.Headers.Location, Cancel);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(workspace.Name), proven, StringComparison.Ordinal);
        Assert.Contains("Accomplice Admin", proven, StringComparison.Ordinal);
        Assert.Contains("This account created 1 API key there that still work", proven, StringComparison.Ordinal);
        Assert.Contains("invitation link", proven, StringComparison.Ordinal);

        using var strangersToken = await stranger.Client.GetAsync(new Uri("/api/v1/me", UriKind.Relative), Cancel);
        await strangersToken.AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.required");
        var account = await app.FindUserAsync(stranger.Email);
        Assert.True(account.EmailConfirmed);
        Assert.Equal(0, await app.QueryAsync(db => db.Set<IdentityUserLogin<Guid>>().CountAsync(login => login.UserId == account.Id, Cancel)));
        var proof = await app.QueryAsync(db => db.AuditEntries.AsNoTracking().Where(e => e.AccountId == account.Id && e.Action == AuditActions.AccountAddressProven).Select(e => e.Details).ToListAsync(Cancel));
        Assert.Equal(["password_reset"], proof);
    }

    [Fact]
    public async Task AProof_DropsAnEmailChangeAskedForBeforeIt_SoItsLinkCannotTakeTheAccountAway()
    {
        var (stranger, _, _) = await PreHijackAsync();

        // While the account is theirs, the stranger asks to move it to an address of their own and keeps the link.
        using var strangersBrowser = await CookieSession.SignInAsync(app, stranger);
        var strangersAddress = TestUsers.NewEmail();
        var asked = TestUsers.HiddenFields(await strangersBrowser.GetStringAsync(new Uri("/account", UriKind.Relative), Cancel));
        asked["NewEmail"] = strangersAddress;
        asked["CurrentPassword"] = stranger.Password;
        using (var request = await strangersBrowser.PostAsync(new Uri("/account?handler=Email", UriKind.Relative), new FormUrlEncodedContent(asked), Cancel))
        {
            Assert.Equal(HttpStatusCode.Redirect, request.StatusCode);
        }

        var link = Mailbox.FirstLink(await app.Mailbox.WaitForMessageAsync(strangersAddress, m => m.Subject == "Confirm your new email address for Roster"));

        // The address's owner proves it.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<User>>();
            var proven = await scope.ServiceProvider.GetRequiredService<AddressProof>().ProveAsync((await users.FindByEmailAsync(stranger.Email))!, ProofKind.EmailCode, null, Cancel);
            Assert.True(proven.Succeeded);
        }

        // The stranger's link changes nothing now.
        var anyone = app.CreateHttpClient(new CookieContainer());
        var confirm = TestUsers.HiddenFields(await anyone.GetStringAsync(new Uri(link.PathAndQuery, UriKind.Relative), Cancel));
        using (await anyone.PostAsync(new Uri(link.PathAndQuery, UriKind.Relative), new FormUrlEncodedContent(confirm), Cancel))
        {
        }

        var account = await app.FindUserAsync(stranger.Email);
        Assert.Equal(stranger.Email, account.Email);
        Assert.Equal(0, await app.QueryAsync(db => db.EmailChanges.CountAsync(change => change.UserId == account.Id, Cancel)));
    }

    [Fact]
    public async Task AProofByEmailCode_AlsoRemovesThePasswordSetBeforeIt()
    {
        var (stranger, _, _) = await PreHijackAsync();

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<User>>();
            var user = (await users.FindByEmailAsync(stranger.Email))!;
            var proven = await scope.ServiceProvider.GetRequiredService<AddressProof>().ProveAsync(user, ProofKind.EmailCode, null, Cancel);
            Assert.True(proven.Succeeded);
        }

        var account = await app.FindUserAsync(stranger.Email);
        Assert.True(account.EmailConfirmed);
        Assert.Null(account.PasswordHash);
        using var login = await app.CreateHttpClient().PostAsJsonAsync("/api/v1/auth/login", new { email = stranger.Email, password = stranger.Password }, Cancel);
        await login.AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.failed");
        Assert.Equal(0, await app.QueryAsync(db => db.Set<IdentityUserLogin<Guid>>().CountAsync(l => l.UserId == account.Id, Cancel)));
    }

    [Fact]
    public async Task TheVerificationLink_OpenedByTheAddressesOwner_AsksForThePassword_AndVerifiesNothingWithoutIt()
    {
        var (stranger, _, _) = await PreHijackAsync();
        var link = Mailbox.FirstLink(await app.Mailbox.WaitForMessageAsync(stranger.Email, TestUsers.IsVerificationEmail));
        var path = new Uri(link.PathAndQuery, UriKind.Relative);

        // The owner of the address opens the link the stranger's sign-up sent them, in their own browser.
        var owner = app.CreateHttpClient(new CookieContainer());
        var opened = await owner.GetStringAsync(path, Cancel);
        Assert.Contains("Enter the password you chose when you signed up", opened, StringComparison.Ordinal);
        var form = TestUsers.HiddenFields(opened);
        using (var withoutPassword = await owner.PostAsync(path, new FormUrlEncodedContent(form), Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, withoutPassword.StatusCode);
            Assert.Contains("Reset the password", await withoutPassword.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        }

        form["Password"] = "a guess at the strangers password";
        using (var wrongPassword = await owner.PostAsync(path, new FormUrlEncodedContent(form), Cancel))
        {
            Assert.Contains(System.Net.WebUtility.HtmlEncode(Roster.Pages.Account.ConfirmEmailModel.WrongPasswordMessage), await wrongPassword.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        }

        // The API asks for it too.
        var query = System.Web.HttpUtility.ParseQueryString(link.Query);
        using (var api = await app.CreateHttpClient().PostAsJsonAsync("/api/v1/auth/confirm-email", new { userId = query["userId"], code = query["code"] }, Cancel))
        {
            var problem = await api.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
            Assert.Contains("password", problem.GetProperty("errors").EnumerateObject().Select(field => field.Name));
        }

        // Nothing was verified: the stranger's password is not the owner's address's, and the stranger's session goes on
        // until the owner proves the address (a reset, as the page offers).
        Assert.False((await app.FindUserAsync(stranger.Email)).EmailConfirmed);
        Assert.False((await stranger.Client.GetMeAsync()).EmailConfirmed);
    }

    [Fact]
    public async Task TheVerificationLink_InTheBrowserThatSignedUp_KeepsThePasswordWithoutAsking_AndAnotherBrowserMustShowIt()
    {
        var email = TestUsers.NewEmail();
        var signUpBrowser = app.CreateHttpClient(new CookieContainer());
        var form = TestUsers.HiddenFields(await signUpBrowser.GetStringAsync(new Uri("/signup", UriKind.Relative), Cancel));
        form["Name"] = "Signed Up Here";
        form["Email"] = email;
        form["Password"] = TestUsers.Password;
        using (var signedUp = await signUpBrowser.PostAsync(new Uri("/signup", UriKind.Relative), new FormUrlEncodedContent(form), Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, signedUp.StatusCode);
            Assert.Contains(signedUp.Headers.GetValues("Set-Cookie"), cookie => cookie.StartsWith("roster.signup=", StringComparison.Ordinal));
        }

        var path = new Uri(Mailbox.FirstLink(await app.Mailbox.WaitForMessageAsync(email, TestUsers.IsVerificationEmail)).PathAndQuery, UriKind.Relative);

        // Another browser is asked for the password and gets in with it.
        var elsewhere = app.CreateHttpClient(new CookieContainer());
        var asked = await elsewhere.GetStringAsync(path, Cancel);
        Assert.Contains("Enter the password you chose when you signed up", asked, StringComparison.Ordinal);

        // The browser that signed up only presses the button.
        var opened = await signUpBrowser.GetStringAsync(path, Cancel);
        Assert.DoesNotContain("Enter the password you chose", opened, StringComparison.Ordinal);
        using var confirmed = await signUpBrowser.PostAsync(path, new FormUrlEncodedContent(TestUsers.HiddenFields(opened)), Cancel);
        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        Assert.True((await app.FindUserAsync(email)).EmailConfirmed);
    }

    [Fact]
    public async Task SigningUp_MarksTheBrowser_TheSameWayForANewAddressAndATakenOne()
    {
        var taken = await TestUsers.RegisterAsync(app);
        var lengths = new List<int>();
        foreach (var email in new[] { TestUsers.NewEmail(), taken.Email })
        {
            var browser = app.CreateHttpClient(new CookieContainer());
            var form = TestUsers.HiddenFields(await browser.GetStringAsync(new Uri("/signup", UriKind.Relative), Cancel));
            form["Name"] = "Someone";
            form["Email"] = email;
            form["Password"] = TestUsers.Password;
            using var signedUp = await browser.PostAsync(new Uri("/signup", UriKind.Relative), new FormUrlEncodedContent(form), Cancel);
            var mark = Assert.Single(signedUp.Headers.GetValues("Set-Cookie"), cookie => cookie.StartsWith("roster.signup=", StringComparison.Ordinal));
            lengths.Add(mark.Length);
        }

        Assert.Equal(lengths[0], lengths[1]);
    }

    [Fact]
    public async Task TheVerificationLink_KeepsThePasswordWhenTheConfirmerShowsIt_ButEndsEveryEarlierSession()
    {
        var (stranger, _, _) = await PreHijackAsync();

        var again = await TestUsers.ConfirmEmailAsync(app, stranger);

        using var old = await stranger.Client.GetAsync(new Uri("/api/v1/me", UriKind.Relative), Cancel);
        await old.AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.required");
        Assert.True((await again.Client.GetMeAsync()).EmailConfirmed);
        Assert.Equal(0, await app.QueryAsync(db => db.Set<IdentityUserLogin<Guid>>().CountAsync(l => l.UserId == again.Id, Cancel)));
    }

    /// <summary>The stranger's set-up: an account on someone else's address, a workspace, an accomplice as Admin, a linked login of their own.</summary>
    private async Task<(TestUser Stranger, Features.Workspaces.WorkspaceResponse Workspace, TestUser Accomplice)> PreHijackAsync()
    {
        var stranger = await TestUsers.RegisterAsync(app);
        var workspace = await stranger.Client.CreateWorkspaceAsync();
        var accomplice = await TestUsers.JoinAsync(app, stranger, workspace.Id, "Admin");
        await app.QueryAsync(db => db.Users.Where(u => u.Id == accomplice.Id).ExecuteUpdateAsync(set => set.SetProperty(u => u.Name, "Accomplice Admin"), Cancel));
        await app.SetPlanAsync(workspace.Id, TestPlans.Enterprise);
        using (var key = await stranger.Client.PostAsJsonAsync($"/api/v1/workspaces/{workspace.Id}/api-keys", new { name = "Strangers key" }, Cancel))
        {
            await key.EnsureSuccessAsync();
        }

        await app.QueryAsync(async db =>
        {
            db.Set<IdentityUserLogin<Guid>>().Add(new IdentityUserLogin<Guid>
            {
                LoginProvider = "https://stranger.example|stranger",
                ProviderKey = Guid.NewGuid().ToString("N"),
                ProviderDisplayName = "Stranger's provider",
                UserId = stranger.Id,
            });
            return await db.SaveChangesAsync(Cancel);
        });
        return (stranger, workspace, accomplice);
    }
}
