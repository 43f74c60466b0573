using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.EmailCodes;

/// <summary>
/// The daily budget of wrong codes per address (EmailCodeGuessBudget): past it, every code of the address, right or
/// wrong, is refused with 429 and Retry-After until the oldest counted wrong code is 24 hours old, on the API and the
/// page, whether or not the address has an account, and concurrent guesses never exceed it. On an app of their own
/// with a budget of <see cref="GuessBudgetApp.Budget"/> and a clock that moves only when a test says so.
/// </summary>
public sealed class EmailCodeGuessBudgetTests(EmailCodeGuessBudgetTests.GuessBudgetApp app) : IClassFixture<EmailCodeGuessBudgetTests.GuessBudgetApp>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Past_the_budget_the_right_code_of_a_fresh_request_is_refused_until_the_oldest_wrong_code_is_a_day_old()
    {
        var email = TestUsers.NewEmail();
        var client = app.CreateHttpClient();

        // Five wrong codes end the first request; the budget's last two are spent on a second, an hour later.
        var first = await EmailCodeMail.RequestAsync(app, email);
        await GuessWrongAsync(client, first, times: 5);
        app.Clock.Advance(TimeSpan.FromHours(1));
        var second = await EmailCodeMail.RequestAsync(app, email);
        await GuessWrongAsync(client, second, times: GuessBudgetApp.Budget - 5);
        Assert.Equal(GuessBudgetApp.Budget, await CountedAsync(email));

        // The second request still has tries left, and a third is fresh: their right codes are refused all the same,
        // with a challenge or with the address alone, until the first wrong codes are 24 hours old (23 hours from now).
        var third = await EmailCodeMail.RequestAsync(app, email);
        foreach (var (code, challenge) in new[] { (second.Code, second.Challenge), (third.Code, third.Challenge), (third.Code, null) })
        {
            using var refused = await EmailCodeMail.VerifyAsync(client, email, code, challenge);
            await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
            Assert.Equal(TimeSpan.FromHours(23).TotalSeconds, RetryAfterOf(refused));
        }

        // The refusals compared nothing: no try of the requests and nothing more against the budget.
        Assert.Equal(GuessBudgetApp.Budget, await CountedAsync(email));
        Assert.Equal(GuessBudgetApp.Budget, await TriesAsync(email));
        Assert.Equal(0, await app.QueryAsync(db => db.Users.CountAsync(u => u.Email == email, Cancel)));

        // One second before the first wrong codes leave the window, still refused; at the second, a fresh code works.
        app.Clock.Advance(TimeSpan.FromHours(23) - TimeSpan.FromSeconds(1));
        var late = await EmailCodeMail.RequestAsync(app, email);
        using var stillRefused = await EmailCodeMail.VerifyAsync(client, email, late.Code, late.Challenge);
        await stillRefused.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.Equal(1, RetryAfterOf(stillRefused));
        app.Clock.Advance(TimeSpan.FromSeconds(1));
        using var signedIn = await EmailCodeMail.VerifyAsync(client, email, late.Code, late.Challenge);
        await signedIn.EnsureSuccessAsync();

        // The right code left no row; the clean-up of a later request drops the rows past their day, and only those.
        Assert.Equal(GuessBudgetApp.Budget, await CountedAsync(email));
        await EmailCodeMail.RequestAsync(app, TestUsers.NewEmail());
        Assert.Equal(GuessBudgetApp.Budget - 5, await CountedAsync(email));
    }

    [Fact]
    public async Task An_address_with_an_account_and_one_without_are_counted_and_answered_the_same()
    {
        var known = await TestUsers.RegisterAsync(app);
        var unknown = TestUsers.NewEmail();
        var client = app.CreateHttpClient();
        var answers = new List<string>();
        foreach (var email in new[] { known.Email, unknown })
        {
            var first = await EmailCodeMail.RequestAsync(app, email);
            await GuessWrongAsync(client, first, times: 5);
            var second = await EmailCodeMail.RequestAsync(app, email);
            await GuessWrongAsync(client, second, times: GuessBudgetApp.Budget - 5);
            using var refused = await EmailCodeMail.VerifyAsync(client, email, second.Code, second.Challenge);
            var body = await refused.Content.ReadFromJsonAsync<Dictionary<string, JsonElement>>(Cancel);
            body!.Remove("traceId");
            answers.Add($"{(int)refused.StatusCode} {RetryAfterOf(refused)} {JsonSerializer.Serialize(body.OrderBy(pair => pair.Key, StringComparer.Ordinal))}");
            Assert.Equal(GuessBudgetApp.Budget, await CountedAsync(email));
        }

        Assert.StartsWith("429 86400 ", answers[0], StringComparison.Ordinal);
        Assert.Equal(answers[0], answers[1]);
        Assert.DoesNotContain(known.Email, answers[0], StringComparison.OrdinalIgnoreCase);
        Assert.False((await app.FindUserAsync(known.Email)).EmailConfirmed);
    }

    [Fact]
    public async Task Concurrent_wrong_guesses_never_exceed_the_budget()
    {
        var email = TestUsers.NewEmail();
        var sent = new List<EmailCodeMail.Sent>();
        for (var request = 0; request < 3; request++)
        {
            sent.Add(await EmailCodeMail.RequestAsync(app, email));
        }

        // Every guess tries the three requests (the address alone): 15 tries in all, 30 guesses at once.
        var wrong = Enumerable.Range(0, 100).Select(n => n.ToString("D8", CultureInfo.InvariantCulture)).First(code => sent.All(s => s.Code != code));
        var answers = await Task.WhenAll(Enumerable.Range(0, 30).Select(async _ =>
        {
            using var response = await EmailCodeMail.VerifyAsync(app.CreateHttpClient(), email, wrong, challenge: null);
            return response.StatusCode;
        }));
        Assert.All(answers, status => Assert.Contains(status, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests }));
        // All of them may be refused: each writes its row before counting, so thirty at once can each count more than the
        // budget and give way (the budget errs towards refusing). What may never happen is more wrong codes than the budget.
        Assert.InRange(await CountedAsync(email), 0, GuessBudgetApp.Budget);
        Assert.InRange(await TriesAsync(email), 0, GuessBudgetApp.Budget);

        // Guesses in flight together near the end may be refused while one is left; one at a time, they spend the rest.
        var client = app.CreateHttpClient();
        for (var guess = 0; guess < GuessBudgetApp.Budget && await CountedAsync(email) < GuessBudgetApp.Budget; guess++)
        {
            using var response = await EmailCodeMail.VerifyAsync(client, email, wrong, challenge: null);
            Assert.Contains(response.StatusCode, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests });
        }

        Assert.Equal(GuessBudgetApp.Budget, await CountedAsync(email));
        Assert.Equal(GuessBudgetApp.Budget, await TriesAsync(email));
        using var right = await EmailCodeMail.VerifyAsync(client, email, sent[0].Code, sent[0].Challenge);
        await right.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
    }

    [Fact]
    public async Task The_page_refuses_the_right_code_past_the_budget_with_the_wait_and_the_link_still_signs_in()
    {
        var email = TestUsers.NewEmail();
        var browser = app.CreateHttpClient(new CookieContainer());
        using var asked = await EmailCodePageTests.PostFormAsync(browser, "/login/email", new() { ["Email"] = email });
        Assert.Equal(HttpStatusCode.Redirect, asked.StatusCode);
        var (code, link) = await EmailCodeMail.WaitForNewAsync(app.Mailbox, email);

        // The budget is spent by someone else's requests to the address (the page's own has five tries).
        var stranger = await EmailCodeMail.RequestAsync(app, email);
        await GuessWrongAsync(app.CreateHttpClient(), stranger, times: 5);
        for (var guess = 0; guess < GuessBudgetApp.Budget - 5; guess++)
        {
            using var wrong = await EmailCodePageTests.PostFormAsync(browser, "/login/email/code", new() { ["Code"] = EmailCodeMail.WrongCode(code) });
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
            Assert.Contains("That code is not right", await wrong.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        }

        Assert.Equal(GuessBudgetApp.Budget, await CountedAsync(email));
        using var refused = await EmailCodePageTests.PostFormAsync(browser, "/login/email/code", new() { ["Code"] = code });
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(TimeSpan.FromHours(24).TotalSeconds, RetryAfterOf(refused));
        var page = await refused.Content.ReadAsStringAsync(Cancel);
        Assert.Contains("Too many attempts", page, StringComparison.Ordinal);
        Assert.Contains("Try again in 24 hours, or open the link in the email.", page, StringComparison.Ordinal);
        Assert.Equal(0, await app.QueryAsync(db => db.Users.CountAsync(u => u.Email == email, Cancel)));

        // The link is 256 bits, nothing to guess: it is not counted, and it still signs in.
        var linkBrowser = app.CreateHttpClient(new CookieContainer());
        var linkPage = await linkBrowser.GetStringAsync(link.PathAndQuery, Cancel);
        using var posted = await linkBrowser.PostAsync(new Uri(link.PathAndQuery, UriKind.Relative), new FormUrlEncodedContent(TestUsers.HiddenFields(linkPage)), Cancel);
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.Equal(email, (await linkBrowser.GetMeAsync()).Email);
    }

    [Fact]
    public async Task A_spent_budget_is_logged_as_a_warning_without_the_code()
    {
        var email = TestUsers.NewEmail();
        var first = await EmailCodeMail.RequestAsync(app, email);
        await GuessWrongAsync(app.CreateHttpClient(), first, times: 5);
        var second = await EmailCodeMail.RequestAsync(app, email);
        await GuessWrongAsync(app.CreateHttpClient(), second, times: GuessBudgetApp.Budget - 5);
        using var refused = await EmailCodeMail.VerifyAsync(app.CreateHttpClient(), email, second.Code, second.Challenge);
        await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");

        var spent = app.Logs.Entries.Where(entry => entry.Contains(email, StringComparison.OrdinalIgnoreCase) && entry.Contains("whole budget", StringComparison.Ordinal)).ToList();
        Assert.Single(spent);
        Assert.StartsWith("Warning ", spent[0], StringComparison.Ordinal);
        foreach (var entry in app.Logs.Entries)
        {
            Assert.DoesNotContain(first.Code, entry, StringComparison.Ordinal);
            Assert.DoesNotContain(second.Code, entry, StringComparison.Ordinal);
            Assert.DoesNotContain(second.Challenge!, entry, StringComparison.Ordinal);
        }
    }

    private static async Task GuessWrongAsync(HttpClient client, EmailCodeMail.Sent sent, int times)
    {
        for (var guess = 0; guess < times; guess++)
        {
            using var wrong = await EmailCodeMail.VerifyAsync(client, sent.Email, EmailCodeMail.WrongCode(sent.Code), sent.Challenge);
            await wrong.AssertProblemAsync(HttpStatusCode.Unauthorized, "email_code.invalid");
        }
    }

    private static double RetryAfterOf(HttpResponseMessage response) =>
        int.Parse(response.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture);

    /// <summary>The wrong codes counted against the address's budget.</summary>
    private Task<int> CountedAsync(string email)
    {
        var normalized = email.ToUpperInvariant();
        return app.QueryAsync(db => db.EmailCodeGuesses.CountAsync(g => g.NormalizedEmail == normalized, Cancel));
    }

    /// <summary>The tries spent on the address's requests (each compared one code).</summary>
    private Task<int> TriesAsync(string email) =>
        app.QueryAsync(db => db.EmailCodes.Where(c => c.Email == email).SumAsync(c => c.FailedAttempts, Cancel));

    /// <summary>The app with SMTP and a fake clock, and a budget of <see cref="Budget"/> wrong codes a day.</summary>
    public sealed class GuessBudgetApp() : RosterApp(new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds())))
    {
        public const int Budget = 7;

        public FakeTimeProvider Clock => (FakeTimeProvider)Services.GetRequiredService<TimeProvider>();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Roster:RateLimits:EmailCodes:FailuresPerAddressPerDay", Budget.ToString(CultureInfo.InvariantCulture));
        }
    }
}
