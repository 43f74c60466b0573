using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Roster.Infrastructure.Data;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.EmailCodes;

/// <summary>
/// Continue with email on the API, against the real SMTP server: the code and the link are read from the message
/// the app sent. <c>POST /api/v1/auth/email-code</c> and <c>/email-code/verify</c>.
/// </summary>
public sealed class EmailCodeApiTests(RosterApp app)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_first_sign_in_creates_the_account_with_a_verified_email_and_answers_bearer_tokens()
    {
        var email = $"ada.lovelace-{Guid.NewGuid():N}@example.com";
        var sent = await EmailCodeMail.RequestAsync(app, email);
        Assert.Matches("^[0-9]{8}$", sent.Code);
        Assert.Equal("/login/email/confirm", sent.Link.AbsolutePath);

        using var verified = await EmailCodeMail.VerifyAsync(app.CreateHttpClient(), email, sent.Code, sent.Challenge);
        await verified.EnsureSuccessAsync();
        var tokens = await verified.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal("Bearer", tokens.GetProperty("tokenType").GetString());

        var client = app.CreateHttpClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", tokens.GetProperty("accessToken").GetString());
        var me = await client.GetMeAsync();
        Assert.Equal(email, me.Email);
        Assert.True(me.EmailConfirmed);
        Assert.Equal(email[..email.IndexOf('@')], me.Name);
    }

    [Fact]
    public async Task An_existing_unverified_account_is_signed_into_and_its_email_becomes_verified()
    {
        var user = await TestUsers.RegisterAsync(app);
        Assert.False((await app.FindUserAsync(user.Email)).EmailConfirmed);

        var sent = await EmailCodeMail.RequestAsync(app, user.Email);
        using var verified = await EmailCodeMail.VerifyAsync(app.CreateHttpClient(), user.Email.ToUpperInvariant(), sent.Code, sent.Challenge);
        await verified.EnsureSuccessAsync();

        var account = await app.FindUserAsync(user.Email);
        Assert.Equal(user.Id, account.Id);
        Assert.True(account.EmailConfirmed);
        var normalized = user.Email.ToUpperInvariant();
        Assert.Equal(1, await app.QueryAsync(db => db.Users.CountAsync(u => u.NormalizedEmail == normalized, Cancel)));
    }

    [Fact]
    public async Task A_code_works_once()
    {
        var sent = await EmailCodeMail.RequestAsync(app, TestUsers.NewEmail());
        using var first = await EmailCodeMail.VerifyAsync(app.CreateHttpClient(), sent.Email, sent.Code, sent.Challenge);
        await first.EnsureSuccessAsync();

        using var again = await EmailCodeMail.VerifyAsync(app.CreateHttpClient(), sent.Email, sent.Code, sent.Challenge);
        await again.AssertProblemAsync(HttpStatusCode.Unauthorized, "email_code.invalid");
    }

    [Fact]
    public async Task A_code_works_only_with_the_challenge_of_its_own_request()
    {
        var email = TestUsers.NewEmail();
        var mine = await EmailCodeMail.RequestAsync(app, email);
        var other = await EmailCodeMail.RequestAsync(app, email);

        // The right code with another request's challenge (another client asked too), or none at all, is refused.
        using var crossed = await EmailCodeMail.VerifyAsync(app.CreateHttpClient(), email, mine.Code, other.Challenge);
        await crossed.AssertProblemAsync(HttpStatusCode.Unauthorized, "email_code.invalid");
        using var forged = await EmailCodeMail.VerifyAsync(app.CreateHttpClient(), email, mine.Code, new string('A', 43));
        await forged.AssertProblemAsync(HttpStatusCode.Unauthorized, "email_code.invalid");

        // Another address with the right code and challenge is refused too.
        using var elsewhere = await EmailCodeMail.VerifyAsync(app.CreateHttpClient(), TestUsers.NewEmail(), mine.Code, mine.Challenge);
        await elsewhere.AssertProblemAsync(HttpStatusCode.Unauthorized, "email_code.invalid");

        using var right = await EmailCodeMail.VerifyAsync(app.CreateHttpClient(), email, mine.Code, mine.Challenge);
        await right.EnsureSuccessAsync();
    }

    [Fact]
    public async Task An_API_requests_code_works_with_its_address_alone_and_a_browsers_code_never_does()
    {
        // SPEC section 8: { email, code }.
        var sent = await EmailCodeMail.RequestAsync(app, TestUsers.NewEmail());
        using var verified = await EmailCodeMail.VerifyAsync(app.CreateHttpClient(), sent.Email, sent.Code, challenge: null);
        await verified.EnsureSuccessAsync();

        // A code asked for in a browser is bound to that browser's cookie: the API refuses it without, and the
        // refusal does not touch the browser's own tries.
        var email = TestUsers.NewEmail();
        var asker = app.CreateHttpClient(new CookieContainer());
        using var asked = await EmailCodePageTests.PostFormAsync(asker, "/login/email", new() { ["Email"] = email });
        var (code, _) = await EmailCodeMail.WaitForNewAsync(app.Mailbox, email);
        for (var attempt = 0; attempt < 6; attempt++)
        {
            using var refused = await EmailCodeMail.VerifyAsync(app.CreateHttpClient(), email, code, challenge: null);
            await refused.AssertProblemAsync(HttpStatusCode.Unauthorized, "email_code.invalid");
        }

        using var signedIn = await EmailCodePageTests.PostFormAsync(asker, "/login/email/code", new() { ["Code"] = code });
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
    }

    [Fact]
    public async Task Concurrent_first_sign_ins_of_one_new_address_make_one_account()
    {
        var email = TestUsers.NewEmail();
        var requests = new List<EmailCodeMail.Sent>();
        for (var request = 0; request < 4; request++)
        {
            requests.Add(await EmailCodeMail.RequestAsync(app, email));
        }

        var answers = await Task.WhenAll(requests.Select(async sent =>
        {
            using var response = await EmailCodeMail.VerifyAsync(app.CreateHttpClient(), email, sent.Code, sent.Challenge);
            return response.StatusCode;
        }));
        Assert.All(answers, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(1, await app.QueryAsync(db => db.Users.CountAsync(u => u.Email == email, Cancel)));
    }

    [Fact]
    public async Task Five_wrong_codes_end_the_request_and_its_link()
    {
        var sent = await EmailCodeMail.RequestAsync(app, TestUsers.NewEmail());
        var client = app.CreateHttpClient();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            using var wrong = await EmailCodeMail.VerifyAsync(client, sent.Email, EmailCodeMail.WrongCode(sent.Code), sent.Challenge);
            await wrong.AssertProblemAsync(HttpStatusCode.Unauthorized, "email_code.invalid");
        }

        using var right = await EmailCodeMail.VerifyAsync(client, sent.Email, sent.Code, sent.Challenge);
        await right.AssertProblemAsync(HttpStatusCode.Unauthorized, "email_code.invalid");
        var page = await app.CreateHttpClient(new CookieContainer()).GetStringAsync(sent.Link.PathAndQuery, Cancel);
        Assert.Contains("This sign-in link has expired or was already used.", page, StringComparison.Ordinal);
        Assert.Equal(0, await app.QueryAsync(db => db.Users.CountAsync(u => u.Email == sent.Email, Cancel)));
    }

    [Fact]
    public async Task Concurrent_wrong_guesses_are_compared_at_most_five_times()
    {
        var sent = await EmailCodeMail.RequestAsync(app, TestUsers.NewEmail());
        var guesses = Enumerable.Range(0, 20).Select(async _ =>
        {
            using var response = await EmailCodeMail.VerifyAsync(app.CreateHttpClient(), sent.Email, EmailCodeMail.WrongCode(sent.Code), sent.Challenge);
            return response.StatusCode;
        });
        Assert.All(await Task.WhenAll(guesses), status => Assert.Equal(HttpStatusCode.Unauthorized, status));
        Assert.Equal(5, await app.QueryAsync(db => db.EmailCodes.Where(c => c.Email == sent.Email).Select(c => c.FailedAttempts).SingleAsync(Cancel)));
    }

    [Theory]
    [InlineData("name@example.test..")]
    [InlineData(".name@example.test")]
    [InlineData("a..b@example.test")]
    [InlineData("not an address")]
    [InlineData("Name <name@example.test>")]
    [InlineData("name@")]
    [InlineData("")]
    public async Task An_address_mail_cannot_go_to_is_a_field_error_and_sends_nothing(string email)
    {
        var before = await app.QueryAsync(db => db.EmailCodes.CountAsync(Cancel));
        using var response = await app.CreateHttpClient().PostAsJsonAsync("/api/v1/auth/email-code", new { email }, Cancel);
        await response.AssertValidationProblemAsync("email");
        Assert.DoesNotContain(app.Mailbox.Messages, m => m.To.Mailboxes.Any(to => to.Address == email));
        Assert.True(await app.QueryAsync(db => db.EmailCodes.CountAsync(c => c.Email == email, Cancel)) == 0, $"{before} rows before");
    }

    [Fact]
    public async Task A_disabled_account_is_refused_after_the_right_code_only()
    {
        var user = await TestUsers.RegisterAsync(app);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RosterDbContext>();
            await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.DisabledAt, DateTimeOffset.UtcNow), Cancel);
        }

        var sent = await EmailCodeMail.RequestAsync(app, user.Email);
        using var wrong = await EmailCodeMail.VerifyAsync(app.CreateHttpClient(), user.Email, EmailCodeMail.WrongCode(sent.Code), sent.Challenge);
        await wrong.AssertProblemAsync(HttpStatusCode.Unauthorized, "email_code.invalid");
        using var right = await EmailCodeMail.VerifyAsync(app.CreateHttpClient(), user.Email, sent.Code, sent.Challenge);
        await right.AssertProblemAsync(HttpStatusCode.Forbidden, "auth.account_disabled");
    }

    [Fact]
    public async Task Known_and_unknown_addresses_get_the_same_answer_in_the_same_time()
    {
        var known = await TestUsers.RegisterAsync(app);
        var client = app.CreateHttpClient();

        async Task<(HttpStatusCode Status, string[] Fields, int ChallengeLength, TimeSpan Took)> AskAsync(string email)
        {
            var watch = Stopwatch.StartNew();
            using var response = await client.PostAsJsonAsync("/api/v1/auth/email-code", new { email }, Cancel);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
            watch.Stop();
            return (response.StatusCode, body.EnumerateObject().Select(p => p.Name).ToArray(), body.GetProperty("challenge").GetString()!.Length, watch.Elapsed);
        }

        // Warm both paths up, then alternate.
        await AskAsync(known.Email);
        await AskAsync(TestUsers.NewEmail());
        var knownTimes = new List<TimeSpan>();
        var unknownTimes = new List<TimeSpan>();
        for (var round = 0; round < 9; round++)
        {
            var a = await AskAsync(known.Email);
            var b = await AskAsync(TestUsers.NewEmail());
            Assert.Equal(HttpStatusCode.Accepted, a.Status);
            Assert.Equal(a.Status, b.Status);
            Assert.Equal(a.Fields, b.Fields);
            Assert.Equal(a.ChallengeLength, b.ChallengeLength);
            knownTimes.Add(a.Took);
            unknownTimes.Add(b.Took);
        }

        var knownMedian = Median(knownTimes);
        var unknownMedian = Median(unknownTimes);
        Assert.True(
            (knownMedian - unknownMedian).Duration() < TimeSpan.FromMilliseconds(25) + (knownMedian > unknownMedian ? knownMedian : unknownMedian) / 2,
            $"median {knownMedian.TotalMilliseconds} ms for an account, {unknownMedian.TotalMilliseconds} ms without");

        // The failures of verify are one answer too: a known address with a wrong code, an unknown one.
        var knownSent = await EmailCodeMail.RequestAsync(app, known.Email);
        var unknownSent = await EmailCodeMail.RequestAsync(app, TestUsers.NewEmail());
        using var knownWrong = await EmailCodeMail.VerifyAsync(client, known.Email, EmailCodeMail.WrongCode(knownSent.Code), knownSent.Challenge);
        using var unknownWrong = await EmailCodeMail.VerifyAsync(client, unknownSent.Email, EmailCodeMail.WrongCode(unknownSent.Code), unknownSent.Challenge);
        var knownBody = await Body(knownWrong);
        Assert.Equal(knownBody, await Body(unknownWrong));
        Assert.DoesNotContain(known.Email, knownBody, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(knownWrong.StatusCode, unknownWrong.StatusCode);
    }

    [Fact]
    public async Task The_emailed_link_opened_by_a_scanner_spends_nothing_and_the_code_still_works()
    {
        var sent = await EmailCodeMail.RequestAsync(app, TestUsers.NewEmail());
        var scanner = app.CreateHttpClient(new CookieContainer());
        for (var visit = 0; visit < 3; visit++)
        {
            using var page = await scanner.GetAsync(sent.Link.PathAndQuery, Cancel);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("Sign in as", await page.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        }

        Assert.Equal(0, await app.QueryAsync(db => db.Users.CountAsync(u => u.Email == sent.Email, Cancel)));
        using var verified = await EmailCodeMail.VerifyAsync(app.CreateHttpClient(), sent.Email, sent.Code, sent.Challenge);
        await verified.EnsureSuccessAsync();
    }

    [Fact]
    public async Task The_link_posted_from_any_browser_signs_in_and_spends_the_code_too()
    {
        var sent = await EmailCodeMail.RequestAsync(app, TestUsers.NewEmail());
        var otherBrowser = app.CreateHttpClient(new CookieContainer());
        var page = await otherBrowser.GetStringAsync(sent.Link.PathAndQuery, Cancel);
        using var form = new FormUrlEncodedContent(TestUsers.HiddenFields(page));
        using var posted = await otherBrowser.PostAsync(new Uri(sent.Link.PathAndQuery, UriKind.Relative), form, Cancel);
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.StartsWith("/w/", posted.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var me = await otherBrowser.GetMeAsync();
        Assert.Equal(sent.Email, me.Email);
        Assert.True(me.EmailConfirmed);

        using var code = await EmailCodeMail.VerifyAsync(app.CreateHttpClient(), sent.Email, sent.Code, sent.Challenge);
        await code.AssertProblemAsync(HttpStatusCode.Unauthorized, "email_code.invalid");
        using var again = await app.CreateHttpClient(new CookieContainer()).PostAsync(new Uri(sent.Link.PathAndQuery, UriKind.Relative), new FormUrlEncodedContent(TestUsers.HiddenFields(page)), Cancel);
        Assert.NotEqual(HttpStatusCode.Redirect, again.StatusCode);
    }

    [Fact]
    public async Task Nothing_secret_is_stored()
    {
        var sent = await EmailCodeMail.RequestAsync(app, TestUsers.NewEmail());
        var row = await app.QueryAsync(db => db.EmailCodes.AsNoTracking().SingleAsync(c => c.Email == sent.Email, Cancel));
        var token = System.Web.HttpUtility.ParseQueryString(sent.Link.Query)["token"]!;
        var stored = string.Join("|", row.CodeHash, row.LinkTokenHash, row.RequesterHash);
        Assert.DoesNotContain(sent.Code, stored, StringComparison.Ordinal);
        Assert.DoesNotContain(token, stored, StringComparison.Ordinal);
        Assert.DoesNotContain(sent.Challenge!, stored, StringComparison.Ordinal);
        Assert.All([row.CodeHash, row.LinkTokenHash, row.RequesterHash], hash => Assert.Matches("^[0-9a-f]{64}$", hash));
        Assert.Equal(TimeSpan.FromMinutes(10), row.ExpiresAt - row.CreatedAt);
    }

    [Fact]
    public async Task No_code_link_token_or_challenge_reaches_the_log()
    {
        // Proves the recorder sees what the app logs, so an empty record cannot pass for a clean one.
        var probe = $"log-probe-{Guid.NewGuid():N}";
        app.Services.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>().CreateLogger("Roster.Tests")
            .Log(Microsoft.Extensions.Logging.LogLevel.Information, default, probe, null, (state, _) => state);
        var sent = await EmailCodeMail.RequestAsync(app, TestUsers.NewEmail());
        using var wrong = await EmailCodeMail.VerifyAsync(app.CreateHttpClient(), sent.Email, EmailCodeMail.WrongCode(sent.Code), sent.Challenge);
        await app.CreateHttpClient(new CookieContainer()).GetStringAsync(sent.Link.PathAndQuery, Cancel);
        using var verified = await EmailCodeMail.VerifyAsync(app.CreateHttpClient(), sent.Email, sent.Code, sent.Challenge);
        await verified.EnsureSuccessAsync();

        var token = System.Web.HttpUtility.ParseQueryString(sent.Link.Query)["token"]!;
        Assert.Contains(app.Logs.Entries, entry => entry.Contains(probe, StringComparison.Ordinal));
        foreach (var entry in app.Logs.Entries)
        {
            Assert.DoesNotContain(sent.Code, entry, StringComparison.Ordinal);
            Assert.DoesNotContain(token, entry, StringComparison.Ordinal);
            Assert.DoesNotContain(sent.Challenge!, entry, StringComparison.Ordinal);
        }
    }

    /// <summary>The problem's body without its per-request trace id.</summary>
    private static async Task<string> Body(HttpResponseMessage response)
    {
        var body = await response.Content.ReadFromJsonAsync<Dictionary<string, JsonElement>>(Cancel);
        body!.Remove("traceId");
        return JsonSerializer.Serialize(body.OrderBy(pair => pair.Key, StringComparer.Ordinal));
    }

    private static TimeSpan Median(List<TimeSpan> times) => times.Order().ElementAt(times.Count / 2);
}
