using System.Net;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.EmailCodes;

/// <summary>
/// The pages of Continue with email over HTTP (the browser tests walk them in Chromium): the code works only in the
/// browser that asked for it, every address gets the same answer, and the answer never waits for the mail.
/// </summary>
public sealed class EmailCodePageTests(RosterApp app)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_code_works_only_in_the_browser_that_asked_for_it()
    {
        var email = TestUsers.NewEmail();
        var asker = app.CreateHttpClient(new CookieContainer());
        using var asked = await PostFormAsync(asker, "/login/email", new() { ["Email"] = email });
        Assert.Equal(HttpStatusCode.Redirect, asked.StatusCode);
        Assert.Equal("/login/email/code", asked.Headers.Location!.OriginalString.Split('?')[0]);
        Assert.Contains(asked.Headers.GetValues("Set-Cookie"), cookie =>
            cookie.StartsWith(".Roster.EmailCode=", StringComparison.Ordinal) && cookie.Contains("httponly", StringComparison.OrdinalIgnoreCase)
            && cookie.Contains("samesite=lax", StringComparison.OrdinalIgnoreCase) && cookie.Contains("path=/login/email", StringComparison.OrdinalIgnoreCase));
        var (code, _) = await EmailCodeMail.WaitForNewAsync(app.Mailbox, email);

        // Another browser that asked for the same address, with the first browser's code: refused (it is checked
        // against that browser's own request), and the first browser's request is untouched.
        var stranger = app.CreateHttpClient(new CookieContainer());
        using var strangerAsked = await PostFormAsync(stranger, "/login/email", new() { ["Email"] = email });
        Assert.Equal(HttpStatusCode.Redirect, strangerAsked.StatusCode);
        using var refused = await PostFormAsync(stranger, "/login/email/code", new() { ["Code"] = code });
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("That code is not right", await refused.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);

        // Without any request of its own, a browser gets no code form at all.
        var nobody = await app.CreateHttpClient(new CookieContainer()).GetStringAsync("/login/email/code", Cancel);
        Assert.Contains("This sign-in code has expired or was already used.", nobody, StringComparison.Ordinal);
        Assert.Equal(0, await app.QueryAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Users, u => u.Email == email, Cancel)));

        // A wrong code in the asking browser: a form error; then the right one signs in.
        using var wrong = await PostFormAsync(asker, "/login/email/code", new() { ["Code"] = EmailCodeMail.WrongCode(code) });
        Assert.Contains("That code is not right", await wrong.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        using var right = await PostFormAsync(asker, "/login/email/code", new() { ["Code"] = code[..4] + " " + code[4..] });
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        Assert.StartsWith("/w/", right.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(email, (await asker.GetMeAsync()).Email);
    }

    [Fact]
    public async Task Known_and_unknown_addresses_get_the_same_page_answer()
    {
        var known = await TestUsers.RegisterAsync(app);
        var answers = new List<string>();
        foreach (var email in new[] { known.Email, TestUsers.NewEmail() })
        {
            using var asked = await PostFormAsync(app.CreateHttpClient(new CookieContainer()), "/login/email", new() { ["Email"] = email });
            answers.Add($"{(int)asked.StatusCode} {asked.Headers.Location}");
        }

        Assert.Equal(answers[0], answers[1]);
    }

    [Fact]
    public async Task An_invalid_address_is_a_field_error()
    {
        using var asked = await PostFormAsync(app.CreateHttpClient(new CookieContainer()), "/login/email", new() { ["Email"] = "a..b@example.test" });
        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        Assert.Contains("Enter an email address such as name@example.com.", await asked.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
    }

    internal static async Task<HttpResponseMessage> PostFormAsync(HttpClient browser, string path, Dictionary<string, string> form)
    {
        var page = await browser.GetStringAsync(path, Cancel);
        var fields = TestUsers.HiddenFields(page);
        foreach (var (name, value) in form)
        {
            fields[name] = value;
        }

        return await browser.PostAsync(new Uri(path, UriKind.Relative), new FormUrlEncodedContent(fields), Cancel);
    }
}
