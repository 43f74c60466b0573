using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Roster.Features.Accounts;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Security;

/// <summary>
/// Every door an email address comes in by applies the one address rule (<see cref="EmailAddresses"/>; SPEC section 2:
/// "checked once, at the edge"): each API route answers a refused address with 400 <c>validation_failed</c> on its
/// field, each page with its form's error, and none of them creates an account, an email-code request or an email
/// change, or sends mail to it. (The operator's command line: OperatorCommandTests; OpenID Connect providers:
/// OidcRulesTests.)
/// </summary>
public sealed class EmailAddressEntryTests(RosterApp app)
{
    private static readonly CancellationToken Cancel = TestContext.Current.CancellationToken;

    public static TheoryData<string> RefusedAddresses => new()
    {
        "name@example.test..",
        ".name@example.test",
        "a..b@example.test",
        "Bob <bob@example.test>",
        "a@b",
        "na\u0001me@example.test",
        "\"name\"@example.test",
        "name@bücher.example",
        new string('a', 64) + "@" + new string('b', 63) + "." + new string('c', 63) + "." + new string('d', 57) + ".test",
    };

    [Theory]
    [MemberData(nameof(RefusedAddresses))]
    public async Task Every_api_route_that_takes_an_address_answers_a_field_error_and_creates_nothing(string email)
    {
        var client = app.CreateHttpClient();
        var creating = new Dictionary<string, HttpResponseMessage>
        {
            ["register"] = await client.PostAsJsonAsync("/api/v1/auth/register", new { email, password = TestUsers.Password }, Cancel),
            ["email-code"] = await client.PostAsJsonAsync("/api/v1/auth/email-code", new { email }, Cancel),
        };
        foreach (var (route, answer) in creating)
        {
            using (answer)
            {
                var problem = await answer.AssertValidationProblemAsync("email");
                Assert.True(problem.GetProperty("code").GetString() == "validation_failed", route);
            }
        }

        // Routes that look an account up answer text that could be an address as they answer any unknown address (an
        // account an earlier rule let in can still sign in and reset), and anything else with the field error.
        var lookups = new (string Route, HttpResponseMessage Answer, HttpStatusCode Status, string? Code)[]
        {
            ("login", await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = TestUsers.Password }, Cancel), HttpStatusCode.Unauthorized, "auth.failed"),
            ("forgot-password", await client.PostAsJsonAsync("/api/v1/auth/forgot-password", new { email }, Cancel), HttpStatusCode.OK, null),
            ("resend-confirmation", await client.PostAsJsonAsync("/api/v1/auth/resend-confirmation", new { email }, Cancel), HttpStatusCode.OK, null),
            ("reset-password", await client.PostAsJsonAsync("/api/v1/auth/reset-password", new { email, resetCode = "abc", newPassword = "a-new-password-1234" }, Cancel), HttpStatusCode.BadRequest, "auth.invalid_reset_code"),
        };
        foreach (var (route, answer, status, code) in lookups)
        {
            using (answer)
            {
                if (!EmailAddresses.IsLookup(email))
                {
                    await answer.AssertValidationProblemAsync("email");
                }
                else if (code is not null)
                {
                    await answer.AssertProblemAsync(status, code);
                }
                else
                {
                    Assert.True(answer.StatusCode == status, $"{route}: {answer.StatusCode}");
                }
            }
        }

        await AssertNothingCreatedAsync(email);
    }

    [Theory]
    [MemberData(nameof(RefusedAddresses))]
    public async Task Every_page_that_takes_a_new_address_shows_the_field_error_and_creates_nothing(string email)
    {
        foreach (var (path, fields) in new (string, Dictionary<string, string>)[]
        {
            ("/signup", new() { ["Name"] = "Nemo", ["Email"] = email, ["Password"] = TestUsers.Password }),
            ("/login/email", new() { ["Email"] = email }),
        })
        {
            using var response = await TestUsers.PostFormAsync(app.CreateHttpClient(new CookieContainer()), path, handler: null, fields);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode}");
            var page = await response.Content.ReadAsStringAsync(Cancel);
            Assert.True(page.Contains(WebUtility.HtmlEncode(EmailAddresses.Message), StringComparison.Ordinal), path);
        }

        // Pages that look an account up: text that could be an address is answered as an unknown one.
        using (var login = await TestUsers.PostFormAsync(app.CreateHttpClient(new CookieContainer()), "/login", handler: null, new() { ["Email"] = email, ["Password"] = TestUsers.Password }))
        {
            var page = await login.Content.ReadAsStringAsync(Cancel);
            var expected = EmailAddresses.IsLookup(email) ? Roster.Pages.Account.LoginModel.FailureMessage : EmailAddresses.Message;
            Assert.Contains(WebUtility.HtmlEncode(expected), page, StringComparison.Ordinal);
        }

        // A reset link's address is a hidden field: a refused one is a broken link, and nothing is reset.
        using (var reset = await TestUsers.PostFormAsync(
            app.CreateHttpClient(new CookieContainer()), "/reset-password?code=abc", handler: null, new() { ["Email"] = email, ["Code"] = "abc", ["Password"] = "a-new-password-1234" }))
        {
            Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
            Assert.Contains("This reset link is not valid or has expired.", await reset.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        }

        // Account settings: the new address of an email change.
        var user = await TestUsers.RegisterAsync(app);
        using var browser = await CookieSession.SignInAsync(app, user);
        using (var change = await TestUsers.PostFormAsync(browser, "/account", "Email", new() { ["NewEmail"] = email, ["CurrentPassword"] = user.Password }))
        {
            Assert.Equal(HttpStatusCode.OK, change.StatusCode);
            Assert.Contains(WebUtility.HtmlEncode(EmailAddresses.Message), await change.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        }

        Assert.False(await app.QueryAsync(db => db.EmailChanges.AnyAsync(c => c.UserId == user.Id, Cancel)));
        await AssertNothingCreatedAsync(email);
    }

    [Fact]
    public async Task An_address_with_a_quote_or_a_plus_that_the_rule_accepts_signs_up_like_any_other()
    {
        // Identity's user-name character list no longer refuses what the rule accepts (the user name is the email).
        var email = $"o'brien+{Guid.NewGuid():N}@example.com";
        using var registered = await app.CreateHttpClient().PostAsJsonAsync("/api/v1/auth/register", new { email, password = TestUsers.Password }, Cancel);
        Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        Assert.Equal(1, await app.QueryAsync(db => db.Users.CountAsync(u => u.Email == email, Cancel)));
    }

    private async Task AssertNothingCreatedAsync(string email)
    {
        var trimmed = email.Trim();
        var normalized = trimmed.ToUpperInvariant();
        Assert.Equal(0, await app.QueryAsync(db => db.Users.CountAsync(u => u.Email == trimmed || u.UserName == trimmed || u.NormalizedEmail == normalized, Cancel)));
        Assert.Equal(0, await app.QueryAsync(db => db.EmailCodes.CountAsync(c => c.Email == trimmed, Cancel)));
        Assert.Equal(0, await app.QueryAsync(db => db.EmailChanges.CountAsync(c => c.NewEmail == trimmed, Cancel)));
        Assert.DoesNotContain(app.Mailbox.Messages, m => m.To.Mailboxes.Any(to => to.Address == trimmed));
    }
}

