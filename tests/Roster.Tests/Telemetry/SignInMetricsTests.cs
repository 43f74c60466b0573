using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using Roster.Infrastructure.Telemetry;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Telemetry;

/// <summary>The tests that count <c>roster.sign_ins</c> run alone: the meter is the process's, and another test's sign-ins would count too.</summary>
[CollectionDefinition(nameof(SignInCounting), DisableParallelization = true)]
public sealed class SignInCounting;

/// <summary>
/// Issue 9, operations: <c>roster.sign_ins</c> counts every sign-in attempt that reached a decision, whatever the way in.
/// Continue with email counted only the right codes: a wrong code or a dead link, what an operator watches for
/// guessing, went uncounted.
/// </summary>
[Collection(nameof(SignInCounting))]
public sealed class SignInMetricsTests(RosterApp app)
{
    [Fact]
    public async Task Email_codes_count_wrong_codes_and_dead_links_as_failed_and_the_right_code_as_succeeded()
    {
        using var counted = new SignInCounter();
        var sent = await EmailCodeMail.RequestAsync(app, TestUsers.NewEmail());
        var client = app.CreateHttpClient();

        using (var wrong = await EmailCodeMail.VerifyAsync(client, sent.Email, EmailCodeMail.WrongCode(sent.Code), sent.Challenge))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        Assert.Equal(1, counted.Of("email_code", "failed"));
        using (var right = await EmailCodeMail.VerifyAsync(client, sent.Email, sent.Code, sent.Challenge))
        {
            Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        }

        Assert.Equal(1, counted.Of("email_code", "succeeded"));

        // The same code again: its request is spent, so it fails like a wrong one.
        using (var again = await EmailCodeMail.VerifyAsync(client, sent.Email, sent.Code, sent.Challenge))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
        }

        Assert.Equal((2, 1), (counted.Of("email_code", "failed"), counted.Of("email_code", "succeeded")));

        // The emailed link, opened and confirmed as a browser would.
        var byLink = await EmailCodeMail.RequestAsync(app, TestUsers.NewEmail());
        using (var confirmed = await TestUsers.PostFormAsync(
            app.CreateHttpClient(new CookieContainer()), $"/login/email/confirm{byLink.Link.Query}", handler: null, fields: []))
        {
            Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        }

        Assert.Equal((2, 2), (counted.Of("email_code", "failed"), counted.Of("email_code", "succeeded")));
    }

    [Fact]
    public async Task Passwords_count_wrong_passwords_and_unknown_accounts_as_failed_and_the_right_one_as_succeeded()
    {
        var user = await TestUsers.RegisterAsync(app);
        using var counted = new SignInCounter();
        var client = app.CreateHttpClient();
        var cancel = TestContext.Current.CancellationToken;

        foreach (var (email, password, status) in new[]
        {
            (user.Email, "not-the-password-1", HttpStatusCode.Unauthorized),
            (TestUsers.NewEmail(), user.Password, HttpStatusCode.Unauthorized),
            (user.Email, user.Password, HttpStatusCode.OK),
        })
        {
            using var answer = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password }, cancel);
            Assert.Equal(status, answer.StatusCode);
        }

        Assert.Equal((2, 1), (counted.Of("password", "failed"), counted.Of("password", "succeeded")));
    }

    /// <summary>Listens to <c>roster.sign_ins</c> while it lives, summing each (method, outcome).</summary>
    private sealed class SignInCounter : IDisposable
    {
        private readonly MeterListener listener = new();
        private readonly ConcurrentDictionary<(string?, string?), long> sums = new();

        public SignInCounter()
        {
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == RosterMetrics.MeterName && instrument.Name == "roster.sign_ins")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                string? method = null, outcome = null;
                foreach (var tag in tags)
                {
                    method = tag.Key == "method" ? tag.Value as string : method;
                    outcome = tag.Key == "outcome" ? tag.Value as string : outcome;
                }

                sums.AddOrUpdate((method, outcome), value, (_, sum) => sum + value);
            });
            listener.Start();
        }

        public long Of(string method, string outcome) => sums.GetValueOrDefault((method, outcome));

        public void Dispose() => listener.Dispose();
    }
}
