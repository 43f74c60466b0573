using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Roster.Features.Accounts;
using Roster.Pages.Account;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Security;

/// <summary>
/// Sign-in with OpenID Connect providers (issue 7, item 2) against two real providers (npm oidc-provider, two issuers),
/// each flow scripted over HTTP with one cookie jar per person: accounts created and found by (issuer, subject), the
/// email_verified rule, the state, correlation, nonce and PKCE checks (a tampered, replayed or swapped callback ends on
/// the failure page, never a 500, and signs nobody in), linking and unlinking, never the last sign-in method.
/// </summary>
public sealed class OidcRulesTests(OidcApp app) : IClassFixture<OidcApp>
{
    private const string FailurePath = "/login/external/failed";

    [Fact]
    public async Task A_first_sign_in_creates_an_account_keyed_by_the_issuer_and_subject()
    {
        app.Require();
        using var browser = new OidcHttpBrowser(app);
        var account = ProviderAccount.New(emailVerified: true);

        var (url, status, _) = await browser.SignInAsync(OidcApp.AlphaKey, account);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Matches("^/w/[0-9a-f-]{36}$", url.AbsolutePath);
        var user = await FindUserAsync(account.Email!);
        Assert.Equal(user.Id, await browser.SignedInAsAsync());
        Assert.True(user.EmailConfirmed);
        Assert.Equal("Pat Provider", user.Name);
        Assert.Null(user.PasswordHash);

        // The issuer is the id token's iss (the provider's own address), not Roster's configuration key.
        Assert.Equal([(IssuerOf(app.Alpha), account.Subject)], await app.LinkedIdentitiesAsync(user.Id));

        // The sign-in is in the account's activity, like a password sign-in.
        Assert.Equal(1, await app.QueryAsync(db => db.AuditEntries.CountAsync(e => e.AccountId == user.Id && e.Action == Roster.Features.Audit.AuditActions.SignInSucceeded)));
    }

    [Fact]
    public async Task An_unverified_email_from_the_provider_creates_no_account_and_is_answered_as_a_taken_one_is()
    {
        app.Require();
        using var browser = new OidcHttpBrowser(app);
        var account = ProviderAccount.New(emailVerified: false);

        var (url, status, body) = await browser.SignInAsync(OidcApp.AlphaKey, account);

        // The same page as for an address an account already has (A_provider_asserting_an_existing_accounts_email_...):
        // the answer says nothing about which addresses have accounts, and nobody signs up with an unproven address.
        AssertToldToLinkFromSettings(url, status, body);
        Assert.Null(await browser.SignedInAsAsync());
        var normalized = account.Email!.ToUpperInvariant();
        Assert.Equal(0, await app.QueryAsync(db => db.Users.CountAsync(u => u.NormalizedEmail == normalized)));
    }

    [Theory]
    [InlineData("a..b@example.test")]
    [InlineData(".name@example.test")]
    [InlineData("name@example.test..")]
    [InlineData("Bob <bob@example.test>")]
    [InlineData("a@b")]
    [InlineData("name@bücher.example")]
    public async Task A_verified_provider_email_that_fails_the_address_rule_is_no_email_and_creates_no_account(string claimed)
    {
        app.Require();
        using var browser = new OidcHttpBrowser(app);
        var unique = claimed.Replace("@", $"-{Guid.NewGuid():N}@", StringComparison.Ordinal);
        var account = ProviderAccount.New(emailVerified: true, email: unique);

        var (url, status, body) = await browser.SignInAsync(OidcApp.AlphaKey, account);

        // The unverified address's page: it is not used to sign in or up, and nothing is stored by it.
        AssertToldToLinkFromSettings(url, status, body);
        Assert.Contains("did not confirm that the email address it gave is yours", body, StringComparison.Ordinal);
        Assert.Null(await browser.SignedInAsAsync());
        var trimmed = unique.Trim();
        var normalized = trimmed.ToUpperInvariant();
        Assert.Equal(0, await app.QueryAsync(db => db.Users.CountAsync(u => u.Email == trimmed || u.NormalizedEmail == normalized || u.UserName == trimmed)));
        Assert.Equal(0, await app.QueryAsync(db => db.ExternalLogins.CountAsync(l => l.Subject == account.Subject)));
    }

    [Fact]
    public async Task Signing_in_again_opens_the_same_account_whatever_email_the_provider_now_gives()
    {
        app.Require();
        var account = ProviderAccount.New();
        Uri workspace;
        using (var first = new OidcHttpBrowser(app))
        {
            (workspace, _, _) = await first.SignInAsync(OidcApp.AlphaKey, account);
        }

        var user = await FindUserAsync(account.Email!);
        using var again = new OidcHttpBrowser(app);
        var (url, _, _) = await again.SignInAsync(OidcApp.AlphaKey, account with { Email = TestUsers.NewEmail() });

        Assert.Equal(workspace.AbsolutePath, url.AbsolutePath);
        Assert.Equal(user.Id, await again.SignedInAsAsync());
        Assert.Single(await app.LinkedIdentitiesAsync(user.Id));
    }

    [Fact]
    public async Task A_provider_asserting_an_existing_accounts_email_without_verification_does_not_sign_into_it()
    {
        app.Require();
        var owner = await TestUsers.RegisterAsync(app);
        await TestUsers.ConfirmEmailAsync(app, owner);
        using var browser = new OidcHttpBrowser(app);

        var (url, status, body) = await browser.SignInAsync(OidcApp.AlphaKey, ProviderAccount.New(emailVerified: false, email: owner.Email));

        AssertToldToLinkFromSettings(url, status, body);
        Assert.Null(await browser.SignedInAsAsync());
        Assert.Empty(await app.LinkedIdentitiesAsync(owner.Id));
        var normalized = owner.Email.ToUpperInvariant();
        Assert.Equal(1, await app.QueryAsync(db => db.Users.CountAsync(u => u.NormalizedEmail == normalized)));
    }

    [Fact]
    public async Task A_verified_email_does_not_sign_into_an_account_whose_email_is_unverified()
    {
        app.Require();
        var owner = await TestUsers.RegisterAsync(app);
        using var browser = new OidcHttpBrowser(app);

        var (url, status, body) = await browser.SignInAsync(OidcApp.AlphaKey, ProviderAccount.New(emailVerified: true, email: owner.Email));

        AssertToldToLinkFromSettings(url, status, body);
        Assert.Null(await browser.SignedInAsAsync());
        Assert.Empty(await app.LinkedIdentitiesAsync(owner.Id));
        Assert.False((await FindUserAsync(owner.Email)).EmailConfirmed);
    }

    [Fact]
    public async Task A_verified_email_on_both_sides_attaches_the_identity_and_signs_in()
    {
        app.Require();
        var owner = await TestUsers.RegisterAsync(app);
        await TestUsers.ConfirmEmailAsync(app, owner);
        using var browser = new OidcHttpBrowser(app);
        var account = ProviderAccount.New(emailVerified: true, email: owner.Email.ToUpperInvariant());

        var (url, _, _) = await browser.SignInAsync(OidcApp.AlphaKey, account);

        Assert.StartsWith("/w/", url.AbsolutePath, StringComparison.Ordinal);
        Assert.Equal(owner.Id, await browser.SignedInAsAsync());
        Assert.Equal([(IssuerOf(app.Alpha), account.Subject)], await app.LinkedIdentitiesAsync(owner.Id));
    }

    [Fact]
    public async Task Two_providers_at_once_are_two_issuers_and_one_subject_at_each_is_two_identities()
    {
        app.Require();
        using var alpha = new OidcHttpBrowser(app);
        using var beta = new OidcHttpBrowser(app);
        var subject = "shared-" + Guid.NewGuid().ToString("N");
        var atAlpha = new ProviderAccount(subject, TestUsers.NewEmail(), EmailVerified: true);
        var atBeta = new ProviderAccount(subject, TestUsers.NewEmail(), EmailVerified: true);

        var login = await (await alpha.GetAsync("/login")).Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("Continue with " + OidcApp.AlphaName, login, StringComparison.Ordinal);
        Assert.Contains("Continue with " + OidcApp.BetaName, login, StringComparison.Ordinal);
        await Task.WhenAll(alpha.SignInAsync(OidcApp.AlphaKey, atAlpha), beta.SignInAsync(OidcApp.BetaKey, atBeta));

        var alphaUser = await FindUserAsync(atAlpha.Email!);
        var betaUser = await FindUserAsync(atBeta.Email!);
        Assert.NotEqual(alphaUser.Id, betaUser.Id);
        Assert.Equal(alphaUser.Id, await alpha.SignedInAsAsync());
        Assert.Equal(betaUser.Id, await beta.SignedInAsAsync());
        Assert.Equal([(IssuerOf(app.Alpha), subject)], await app.LinkedIdentitiesAsync(alphaUser.Id));
        Assert.Equal([(IssuerOf(app.Beta), subject)], await app.LinkedIdentitiesAsync(betaUser.Id));
    }

    [Fact]
    public async Task A_disabled_account_is_not_signed_in_by_its_provider()
    {
        app.Require();
        var account = ProviderAccount.New();
        using (var first = new OidcHttpBrowser(app))
        {
            await first.SignInAsync(OidcApp.AlphaKey, account);
        }

        await app.QueryAsync(db => db.Users.Where(u => u.Email == account.Email)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.DisabledAt, DateTimeOffset.UtcNow), TestContext.Current.CancellationToken));
        using var browser = new OidcHttpBrowser(app);
        var (url, status, body) = await browser.SignInAsync(OidcApp.AlphaKey, account);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("/login/external/callback", url.AbsolutePath);
        Assert.Contains(WebUtility.HtmlEncode(AccountErrors.Disabled.Message), body, StringComparison.Ordinal);
        Assert.Null(await browser.SignedInAsAsync());
    }

    [Fact]
    public async Task A_tampered_state_ends_on_the_failure_page_and_signs_nobody_in()
    {
        app.Require();
        using var browser = new OidcHttpBrowser(app);
        var callback = await browser.SignInAtProviderAsync(await browser.ContinueWithAsync(OidcApp.AlphaKey), ProviderAccount.New());

        var query = System.Web.HttpUtility.ParseQueryString(callback.Query);
        var state = query["state"]!;
        query["state"] = state[..^4] + (state.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");
        var (url, status, _) = await browser.FollowAsync(new UriBuilder(callback) { Query = query.ToString() }.Uri, stopAtCallback: false);

        AssertFailed(url, status);
        Assert.Null(await browser.SignedInAsAsync());
    }

    [Fact]
    public async Task A_replayed_callback_is_refused_in_the_same_browser_and_in_another()
    {
        app.Require();
        var account = ProviderAccount.New();
        using var browser = new OidcHttpBrowser(app);
        var callback = await browser.SignInAtProviderAsync(await browser.ContinueWithAsync(OidcApp.AlphaKey), account);
        var (signedIn, _, _) = await browser.FollowAsync(callback, stopAtCallback: false);
        Assert.StartsWith("/w/", signedIn.AbsolutePath, StringComparison.Ordinal);

        // The correlation cookie was used up: the same browser sending the same answer again is refused.
        var (again, againStatus, _) = await browser.FollowAsync(callback, stopAtCallback: false);
        AssertFailed(again, againStatus);

        // A stolen callback address in another browser (no correlation cookie) signs nobody in.
        using var attacker = new OidcHttpBrowser(app);
        var (stolen, stolenStatus, _) = await attacker.FollowAsync(callback, stopAtCallback: false);
        AssertFailed(stolen, stolenStatus);
        Assert.Null(await attacker.SignedInAsAsync());
    }

    [Fact]
    public async Task A_callback_whose_nonce_the_browser_does_not_hold_is_refused()
    {
        app.Require();
        using var browser = new OidcHttpBrowser(app);
        var callback = await browser.SignInAtProviderAsync(await browser.ContinueWithAsync(OidcApp.AlphaKey), ProviderAccount.New());

        // The id token's nonce must match a nonce cookie of this browser (OpenID Connect Core 1.0, section 3.1.3.7).
        browser.ForgetCookies(".AspNetCore.OpenIdConnect.Nonce.");
        var (url, status, _) = await browser.FollowAsync(callback, stopAtCallback: false);

        AssertFailed(url, status);
        Assert.Null(await browser.SignedInAsAsync());
    }

    [Fact]
    public async Task A_code_from_another_browsers_sign_in_is_refused()
    {
        app.Require();
        using var victim = new OidcHttpBrowser(app);
        using var attacker = new OidcHttpBrowser(app);
        var victimCallback = await victim.SignInAtProviderAsync(await victim.ContinueWithAsync(OidcApp.AlphaKey), ProviderAccount.New());
        var attackerCallback = await attacker.SignInAtProviderAsync(await attacker.ContinueWithAsync(OidcApp.AlphaKey), ProviderAccount.New());

        // The victim's code with the attacker's own state: the code's PKCE challenge is not the attacker's verifier.
        var injected = System.Web.HttpUtility.ParseQueryString(attackerCallback.Query);
        injected["code"] = System.Web.HttpUtility.ParseQueryString(victimCallback.Query)["code"];
        var (url, status, _) = await attacker.FollowAsync(new UriBuilder(attackerCallback) { Query = injected.ToString() }.Uri, stopAtCallback: false);

        AssertFailed(url, status);
        Assert.Null(await attacker.SignedInAsAsync());
    }

    [Fact]
    public async Task Cancelling_at_the_provider_ends_on_a_page_that_says_so()
    {
        app.Require();
        using var browser = new OidcHttpBrowser(app);
        var callback = await browser.CancelAtProviderAsync(await browser.ContinueWithAsync(OidcApp.AlphaKey));

        var (url, status, body) = await browser.FollowAsync(callback, stopAtCallback: false);

        AssertFailed(url, status);
        Assert.Contains("reason=denied", url.Query, StringComparison.Ordinal);
        Assert.Contains("cancelled or refused there", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_callback_page_without_a_provider_sign_in_says_it_did_not_complete()
    {
        app.Require();
        using var browser = new OidcHttpBrowser(app);

        using var response = await browser.GetAsync("/login/external/callback");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("did not complete", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Null(await browser.SignedInAsAsync());
    }

    [Fact]
    public async Task The_invitation_carried_through_the_provider_joins_the_workspace()
    {
        app.Require();
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var token = ApiClient.TokenOf(await admin.Client.CreateLinkAsync(workspace.Id, "Member"));
        using var browser = new OidcHttpBrowser(app);
        var account = ProviderAccount.New();

        var (url, _, body) = await browser.SignInAsync(OidcApp.BetaKey, account, $"/invite/{token}", invite: token);

        Assert.Equal($"/w/{workspace.Id}", url.AbsolutePath);
        Assert.Contains("as Member", body, StringComparison.Ordinal);
        var joined = await FindUserAsync(account.Email!);
        var member = Assert.Single(await admin.Client.ListMembersAsync(workspace.Id), m => m.UserId == joined.Id);
        Assert.Equal("Member", member.Permission);
    }

    [Fact]
    public async Task The_last_sign_in_method_cannot_be_unlinked_and_one_of_two_can()
    {
        app.Require();
        using var browser = new OidcHttpBrowser(app);
        var account = ProviderAccount.New();
        await browser.SignInAsync(OidcApp.AlphaKey, account);
        var user = await FindUserAsync(account.Email!);

        // An account whose only way in is this provider: no password, and an unverified email (no email code), as an
        // account from before the address was verified would be; set here, since a provider now creates only verified ones.
        await app.QueryAsync(db => db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(set => set.SetProperty(u => u.EmailConfirmed, false)));
        var alphaLogin = await LoginIdAsync(user.Id, IssuerOf(app.Alpha));

        // No password, an unverified email, one provider: Unlink is a field error and nothing changes.
        using (var refused = await UnlinkAsync(browser, alphaLogin))
        {
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            Assert.Contains(SignInMethodsModel.LastMethodMessage, await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        }

        Assert.Single(await app.LinkedIdentitiesAsync(user.Id));

        // With Test Beta linked too, Test Alpha can go; then Test Beta is the last.
        var (linked, _, linkedBody) = await browser.FollowAsync(
            await browser.SignInAtProviderAsync(await browser.LinkAsync(OidcApp.BetaKey), ProviderAccount.New(emailVerified: false)), stopAtCallback: false);
        Assert.Equal(SignInMethodsModel.Path, linked.AbsolutePath);
        Assert.Contains($"{OidcApp.BetaName} is linked", linkedBody, StringComparison.Ordinal);
        using (var unlinked = await UnlinkAsync(browser, alphaLogin))
        {
            Assert.Equal(HttpStatusCode.Found, unlinked.StatusCode);
        }

        var remaining = Assert.Single(await app.LinkedIdentitiesAsync(user.Id));
        Assert.Equal(IssuerOf(app.Beta), remaining.Issuer);
        using (var last = await UnlinkAsync(browser, await LoginIdAsync(user.Id, IssuerOf(app.Beta))))
        {
            Assert.Contains(SignInMethodsModel.LastMethodMessage, await last.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        }

        Assert.Single(await app.LinkedIdentitiesAsync(user.Id));
    }

    [Fact]
    public async Task Another_accounts_identity_cannot_be_unlinked_or_linked()
    {
        app.Require();
        var account = ProviderAccount.New();
        using var owner = new OidcHttpBrowser(app);
        await owner.SignInAsync(OidcApp.AlphaKey, account);
        var ownerUser = await FindUserAsync(account.Email!);
        var ownersLogin = await LoginIdAsync(ownerUser.Id, IssuerOf(app.Alpha));

        var other = await TestUsers.RegisterAsync(app);
        using var browser = new OidcHttpBrowser(app);
        await browser.SignInWithPasswordAsync(other);
        using (var unlink = await UnlinkAsync(browser, ownersLogin))
        {
            Assert.Equal(HttpStatusCode.NotFound, unlink.StatusCode);
        }

        var (url, status, body) = await browser.FollowAsync(
            await browser.SignInAtProviderAsync(await browser.LinkAsync(OidcApp.AlphaKey), account), stopAtCallback: false);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(SignInMethodsModel.Path, url.AbsolutePath);
        Assert.Contains("linked to another Roster account", body, StringComparison.Ordinal);
        Assert.Empty(await app.LinkedIdentitiesAsync(other.Id));
        Assert.Single(await app.LinkedIdentitiesAsync(ownerUser.Id));
    }

    [Fact]
    public async Task Linking_a_provider_that_asserts_the_accounts_email_verifies_it_and_then_signs_in()
    {
        app.Require();
        var user = await TestUsers.RegisterAsync(app);
        using var browser = new OidcHttpBrowser(app);
        await browser.SignInWithPasswordAsync(user);
        var account = ProviderAccount.New(emailVerified: true, email: user.Email);

        await browser.FollowAsync(await browser.SignInAtProviderAsync(await browser.LinkAsync(OidcApp.AlphaKey), account), stopAtCallback: false);

        Assert.True((await FindUserAsync(user.Email)).EmailConfirmed);
        using var later = new OidcHttpBrowser(app);
        await later.SignInAsync(OidcApp.AlphaKey, account);
        Assert.Equal(user.Id, await later.SignedInAsAsync());
    }

    [Fact]
    public async Task A_provider_sign_in_writes_no_code_state_client_secret_or_invitation_to_the_log()
    {
        app.Require();
        var probe = $"log-probe-{Guid.NewGuid():N}";
        // Proves the recorder sees what the app logs, so an empty record cannot pass for a clean one.
        app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Roster.Tests")
            .Log(LogLevel.Information, default, probe, null, (state, _) => state);
        var admin = await TestUsers.RegisterAsync(app);
        var token = ApiClient.TokenOf(await admin.Client.CreateLinkAsync((await admin.Client.CreateWorkspaceAsync()).Id, "Member"));
        using var browser = new OidcHttpBrowser(app);

        var callback = await browser.SignInAtProviderAsync(await browser.ContinueWithAsync(OidcApp.AlphaKey, $"/invite/{token}", token), ProviderAccount.New());
        var (joined, _, _) = await browser.FollowAsync(callback, stopAtCallback: false);
        var (replayed, _, _) = await browser.FollowAsync(callback, stopAtCallback: false);

        Assert.StartsWith("/w/", joined.AbsolutePath, StringComparison.Ordinal);
        Assert.Equal(FailurePath, replayed.AbsolutePath);
        var query = System.Web.HttpUtility.ParseQueryString(callback.Query);
        var entries = app.Logs.Entries;
        Assert.Contains(entries, entry => entry.Contains(probe, StringComparison.Ordinal));
        foreach (var secret in new[] { query["code"]!, query["state"]!, app.Alpha.ClientSecret, token })
        {
            Assert.DoesNotContain(entries, entry => entry.Contains(secret, StringComparison.Ordinal));
        }
    }

    private static string IssuerOf(TestOidcProvider provider) => provider.Issuer.GetLeftPart(UriPartial.Authority);

    private static void AssertToldToLinkFromSettings(Uri url, HttpStatusCode status, string body)
    {
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("/login/external/callback", url.AbsolutePath);
        Assert.Contains("Sign-in methods", body, StringComparison.Ordinal);
    }

    private static void AssertFailed(Uri url, HttpStatusCode status)
    {
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(FailurePath, url.AbsolutePath);
    }

    private Task<User> FindUserAsync(string email)
    {
        var normalized = email.ToUpperInvariant();
        return app.QueryAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.NormalizedEmail == normalized));
    }

    private Task<Guid> LoginIdAsync(Guid userId, string issuer) =>
        app.QueryAsync(db => db.ExternalLogins.Where(l => l.UserId == userId && l.Issuer == issuer).Select(l => l.Id).SingleAsync());

    private static Task<HttpResponseMessage> UnlinkAsync(OidcHttpBrowser browser, Guid loginId) =>
        browser.PostFormAsync(SignInMethodsModel.Path, SignInMethodsModel.Path + "?handler=Unlink", new() { ["id"] = loginId.ToString() });
}
