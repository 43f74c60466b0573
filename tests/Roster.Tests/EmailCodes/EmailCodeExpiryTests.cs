using System.Net;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.EmailCodes;

/// <summary>A code and its link work for 10 minutes, on the app's clock (a FakeTimeProvider here).</summary>
public sealed class EmailCodeExpiryTests(RosterAppWithFakeClock app) : IClassFixture<RosterAppWithFakeClock>
{
    [Fact]
    public async Task A_code_works_until_ten_minutes_and_not_after()
    {
        var early = await EmailCodeMail.RequestAsync(app, TestUsers.NewEmail());
        var late = await EmailCodeMail.RequestAsync(app, TestUsers.NewEmail());

        app.Clock.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));
        using var inTime = await EmailCodeMail.VerifyAsync(app.CreateHttpClient(), early.Email, early.Code, early.Challenge);
        await inTime.EnsureSuccessAsync();

        app.Clock.Advance(TimeSpan.FromSeconds(1));
        using var expired = await EmailCodeMail.VerifyAsync(app.CreateHttpClient(), late.Email, late.Code, late.Challenge);
        await expired.AssertProblemAsync(HttpStatusCode.Unauthorized, "email_code.invalid");
    }

    [Fact]
    public async Task An_expired_link_shows_no_button_and_signs_nobody_in()
    {
        var sent = await EmailCodeMail.RequestAsync(app, TestUsers.NewEmail());
        app.Clock.Advance(TimeSpan.FromMinutes(11));
        var browser = app.CreateHttpClient(new CookieContainer());
        var page = await browser.GetStringAsync(sent.Link.PathAndQuery, TestContext.Current.CancellationToken);
        Assert.Contains("This sign-in link has expired or was already used.", page, StringComparison.Ordinal);

        // Posting the link's token anyway (with the page's antiforgery token) signs nobody in.
        var fields = TestUsers.HiddenFields(await browser.GetStringAsync("/login/email", TestContext.Current.CancellationToken));
        fields["Token"] = System.Web.HttpUtility.ParseQueryString(sent.Link.Query)["token"]!;
        using var posted = await browser.PostAsync(new Uri("/login/email/confirm", UriKind.Relative), new FormUrlEncodedContent(fields), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Contains("This sign-in link has expired or was already used.", await posted.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }
}
