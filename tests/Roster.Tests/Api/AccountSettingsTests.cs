using System.Net;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Api;

/// <summary>
/// Account settings through the pages' forms, as a browser posts them (cookie and antiforgery token): the email change
/// is verified at the NEW address and changes nothing until confirmed by a POST; an address that has an account gets
/// the same answer and no link; a password change keeps this session and ends the others.
/// </summary>
public sealed class AccountSettingsTests(RosterApp app)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static bool IsChangeLink(MimeMessage message) => message.Subject == "Confirm your new email address for Roster";

    [Fact]
    public async Task An_email_change_goes_to_the_new_address_and_changes_nothing_until_confirmed_by_a_post()
    {
        var user = await TestUsers.RegisterAsync(app);
        using var browser = await CookieSession.SignInAsync(app, user);
        var newEmail = TestUsers.NewEmail();

        using (var requested = await TestUsers.PostFormAsync(browser, "/account", "Email", new() { ["NewEmail"] = newEmail, ["CurrentPassword"] = user.Password }))
        {
            Assert.Equal(HttpStatusCode.Redirect, requested.StatusCode);
        }

        var message = await app.Mailbox.WaitForMessageAsync(newEmail, IsChangeLink);
        var link = Mailbox.FirstLink(message);
        var told = await app.Mailbox.WaitForMessageAsync(user.Email, m => m.Subject == "A change of your Roster email address was requested");
        Assert.Contains(newEmail, told.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain(link.Query, told.TextBody, StringComparison.Ordinal);

        // Pending, shown on the page; nothing changed yet.
        var pending = await browser.GetStringAsync(new Uri("/account", UriKind.Relative), Cancel);
        Assert.Contains($"Waiting for you to confirm", pending, StringComparison.Ordinal);
        Assert.Equal(user.Email, (await app.FindUserAsync(user.Email)).Email);

        // A mail scanner (no cookie) opens the link: a page that asks to sign in first, and still nothing changes.
        using var scanner = app.CreateHttpClient(new CookieContainer());
        var page = await scanner.GetStringAsync(new Uri(link.PathAndQuery, UriKind.Relative), Cancel);
        Assert.Contains("Sign in to confirm your new email address", page, StringComparison.Ordinal);
        Assert.Equal(user.Email, (await app.FindUserAsync(user.Email)).Email);
        Assert.False(await app.QueryAsync(db => db.Users.AnyAsync(u => u.Email == newEmail, Cancel)));

        // The POST from that page confirms: the email and the user name change, verified, and the stamp rotates.
        var before = await app.FindUserAsync(user.Email);
        using (var confirmed = await TestUsers.PostFormAsync(browser, link.PathAndQuery, handler: null, []))
        {
            Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
            Assert.Contains("Email address changed", await confirmed.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        }

        var after = await app.FindUserAsync(newEmail);
        Assert.Equal(before.Id, after.Id);
        Assert.Equal(newEmail, after.UserName);
        Assert.True(after.EmailConfirmed);
        Assert.NotEqual(before.SecurityStamp, after.SecurityStamp);

        // The other sessions' rows end with it (the bearer session of the registration), not only their stamp.
        var endReasons = await app.QueryAsync(db => db.Sessions.AsNoTracking().Where(session => session.UserId == before.Id && session.EndedAt != null).Select(session => session.EndReason).ToListAsync(Cancel));
        Assert.Contains(Roster.Features.Sessions.SessionEndReason.EmailChanged, endReasons);
        await app.Mailbox.WaitForMessageAsync(user.Email, m => m.Subject == "Your Roster email address was changed");

        // This browser stays signed in; the old bearer token is refused (the stamp rotated); the link works once.
        using (var stillIn = await browser.GetAsync(new Uri("/account", UriKind.Relative), Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, stillIn.StatusCode);
        }

        using (var oldBearer = await user.Client.GetAsync(new Uri("/api/v1/me", UriKind.Relative), Cancel))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, oldBearer.StatusCode);
        }

        Assert.Contains("This link no longer works", await scanner.GetStringAsync(new Uri(link.PathAndQuery, UriKind.Relative), Cancel), StringComparison.Ordinal);
        var replay = TestUsers.HiddenFields(await browser.GetStringAsync(new Uri("/account", UriKind.Relative), Cancel));
        replay["Token"] = link.Query.Split("token=")[1];
        using (var form = new FormUrlEncodedContent(replay))
        using (var again = await browser.PostAsync(new Uri("/account/email-change", UriKind.Relative), form, Cancel))
        {
            Assert.Contains("This link no longer works", await again.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        }

        await TestUsers.LoginAsync(app, newEmail);
    }

    [Fact]
    public async Task A_taken_address_gets_the_same_answer_and_no_link()
    {
        var user = await TestUsers.RegisterAsync(app);
        var owner = await TestUsers.RegisterAsync(app);
        using var browser = await CookieSession.SignInAsync(app, user);
        var free = TestUsers.NewEmail();

        using var toFree = await TestUsers.PostFormAsync(browser, "/account", "Email", new() { ["NewEmail"] = free, ["CurrentPassword"] = user.Password });
        using var toTaken = await TestUsers.PostFormAsync(browser, "/account", "Email", new() { ["NewEmail"] = owner.Email, ["CurrentPassword"] = user.Password });
        Assert.Equal(toFree.StatusCode, toTaken.StatusCode);
        Assert.Equal(toFree.Headers.Location, toTaken.Headers.Location);

        // The owner of the taken address is told someone tried; no link is sent there, so no change is possible.
        await app.Mailbox.WaitForMessageAsync(owner.Email, m => m.Subject == "Someone tried to move a Roster account to your address");
        await app.Mailbox.WaitForMessageAsync(free, IsChangeLink);
        Assert.DoesNotContain(app.Mailbox.Messages, m => IsChangeLink(m) && m.To.Mailboxes.Any(to => to.Address == owner.Email));
        var page = await browser.GetStringAsync(new Uri("/account", UriKind.Relative), Cancel);
        Assert.Contains(WebUtility.HtmlEncode(owner.Email), page, StringComparison.Ordinal);
        Assert.Equal(user.Email, (await app.QueryAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == user.Id, Cancel))).Email);
    }

    [Theory]
    [InlineData("name@example.test..")]
    [InlineData(".name@example.test")]
    [InlineData("a..b@example.test")]
    [InlineData("Someone <someone@example.test>")]
    public async Task An_address_mail_cannot_reach_is_a_field_error(string address)
    {
        var user = await TestUsers.RegisterAsync(app);
        using var browser = await CookieSession.SignInAsync(app, user);
        using var refused = await TestUsers.PostFormAsync(browser, "/account", "Email", new() { ["NewEmail"] = address, ["CurrentPassword"] = user.Password });
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("Enter an email address such as", await refused.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.False(await app.QueryAsync(db => db.EmailChanges.AnyAsync(c => c.UserId == user.Id, Cancel)));
    }

    [Fact]
    public async Task A_wrong_current_password_changes_nothing()
    {
        var user = await TestUsers.RegisterAsync(app);
        using var browser = await CookieSession.SignInAsync(app, user);
        using var refused = await TestUsers.PostFormAsync(browser, "/account", "Email", new() { ["NewEmail"] = TestUsers.NewEmail(), ["CurrentPassword"] = "not-the-password" });
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("That is not your current password.", await refused.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.False(await app.QueryAsync(db => db.EmailChanges.AnyAsync(c => c.UserId == user.Id, Cancel)));
    }

    [Fact]
    public async Task A_password_change_keeps_this_session_and_ends_the_others()
    {
        var user = await TestUsers.RegisterAsync(app);
        using var browser = await CookieSession.SignInAsync(app, user);
        using var otherBrowser = await CookieSession.SignInAsync(app, user);
        const string newPassword = "a-brand-new-passphrase-93d1";

        using (var weak = await TestUsers.PostFormAsync(browser, "/account/password", "Change", new() { ["CurrentPassword"] = user.Password, ["NewPassword"] = "short" }))
        {
            Assert.Equal(HttpStatusCode.OK, weak.StatusCode);
            Assert.Contains("at least 8 characters", await weak.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        }

        using (var changed = await TestUsers.PostFormAsync(browser, "/account/password", "Change", new() { ["CurrentPassword"] = user.Password, ["NewPassword"] = newPassword }))
        {
            Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        }

        using (var stillIn = await browser.GetAsync(new Uri("/account/password", UriKind.Relative), Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, stillIn.StatusCode);
        }

        using (var other = await otherBrowser.GetAsync(new Uri("/account", UriKind.Relative), Cancel))
        {
            Assert.Equal(HttpStatusCode.Redirect, other.StatusCode);
            Assert.StartsWith("/login", other.Headers.Location!.OriginalString, StringComparison.Ordinal);
        }

        using (var bearer = await user.Client.GetAsync(new Uri("/api/v1/me", UriKind.Relative), Cancel))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, bearer.StatusCode);
        }

        await TestUsers.LoginAsync(app, user.Email, newPassword);
    }

    [Fact]
    public async Task The_name_is_saved_and_an_empty_one_is_a_field_error()
    {
        var user = await TestUsers.RegisterAsync(app);
        using var browser = await CookieSession.SignInAsync(app, user);
        using (var empty = await TestUsers.PostFormAsync(browser, "/account", "Name", new() { ["Name"] = "  " }))
        {
            Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
            Assert.Contains("Enter a name of 1 to 100 characters.", await empty.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        }

        using (var saved = await TestUsers.PostFormAsync(browser, "/account", "Name", new() { ["Name"] = "Ada Lovelace" }))
        {
            Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        }

        Assert.Equal("Ada Lovelace", (await app.FindUserAsync(user.Email)).Name);
    }

    [Fact]
    public async Task A_change_link_confirms_only_for_the_account_that_asked_signed_in_where_it_is_opened()
    {
        // A stranger asks to move their own account onto someone else's address; the link reaches that person.
        var stranger = await TestUsers.RegisterAsync(app);
        var owner = await TestUsers.RegisterAsync(app);
        using var strangersBrowser = await CookieSession.SignInAsync(app, stranger);
        using (var requested = await TestUsers.PostFormAsync(strangersBrowser, "/account", "Email", new() { ["NewEmail"] = owner.Email, ["CurrentPassword"] = stranger.Password }))
        {
            Assert.Equal(HttpStatusCode.Redirect, requested.StatusCode);
        }

        // A taken address gets no link (the owner is told instead): ask for a free one the owner would click, then.
        var freeAddress = TestUsers.NewEmail();
        using (var requested = await TestUsers.PostFormAsync(strangersBrowser, "/account", "Email", new() { ["NewEmail"] = freeAddress, ["CurrentPassword"] = stranger.Password }))
        {
            Assert.Equal(HttpStatusCode.Redirect, requested.StatusCode);
        }

        var link = Mailbox.FirstLink(await app.Mailbox.WaitForMessageAsync(freeAddress, IsChangeLink));

        // The address's owner clicks it: signed out, they are asked to sign in; signed in as themselves, nothing changes.
        using var anonymous = app.CreateHttpClient(new CookieContainer());
        Assert.Contains("Sign in to confirm your new email address", await anonymous.GetStringAsync(new Uri(link.PathAndQuery, UriKind.Relative), Cancel), StringComparison.Ordinal);

        using var ownersBrowser = await CookieSession.SignInAsync(app, owner);
        using (var otherAccount = await TestUsers.PostFormAsync(ownersBrowser, link.PathAndQuery, handler: null, []))
        {
            Assert.Contains("This link no longer works", await otherAccount.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        }

        Assert.Equal(stranger.Email, (await app.FindUserAsync(stranger.Email)).Email);
        Assert.False(await app.QueryAsync(db => db.Users.AnyAsync(u => u.Email == freeAddress, Cancel)));
    }
}
