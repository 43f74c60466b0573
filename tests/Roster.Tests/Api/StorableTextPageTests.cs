using System.Net;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Roster.Infrastructure.Text;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Api;

/// <summary>
/// Issue 11, class 4, on the pages: a form field the database could not store is a form error beside the field (the
/// account pages through model validation, Settings through the use case's field error), a query value is a 400 with
/// the calm error page, and a value exactly at a column's size, in emoji, is stored. Forms are posted as a browser
/// posts them, with the page's antiforgery token.
/// </summary>
public sealed class StorableTextPageTests(RosterApp app)
{
    private const string NulEmail = "a\u0000b@example.com";

    private const string Emoji = "\U0001F600";

    private static readonly string NulMessage = HtmlEncoder.Default.Encode(StorableText.Problem("\u0000")!);

    [Fact]
    public async Task Signup_NulInEmail_ShowsAFormErrorBesideTheEmailField()
    {
        var browser = app.CreateHttpClient(new CookieContainer());

        var (status, html) = await PostFormAsync(browser, "/signup", new() { ["Name"] = "Ada", ["Email"] = NulEmail, ["Password"] = TestUsers.Password });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Matches(FieldError("Email", NulMessage), html);
        Assert.Equal(0, await app.QueryAsync(db => db.Users.CountAsync(u => u.Name == "Ada" && u.Email!.EndsWith("b@example.com"), TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task Login_NulInEmail_ShowsAFormError_TheSameForAnExistingAccountAndAnUnknownOne()
    {
        var user = await TestUsers.RegisterAsync(app);

        var (existingStatus, existing) = await PostFormAsync(app.CreateHttpClient(new CookieContainer()), "/login", new() { ["Email"] = user.Email + "\u0000", ["Password"] = user.Password });
        var (unknownStatus, unknown) = await PostFormAsync(app.CreateHttpClient(new CookieContainer()), "/login", new() { ["Email"] = NulEmail, ["Password"] = user.Password });

        Assert.Equal(HttpStatusCode.OK, existingStatus);
        Assert.Equal(HttpStatusCode.OK, unknownStatus);
        Assert.Contains(NulMessage, existing, StringComparison.Ordinal);
        Assert.Contains(NulMessage, unknown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForgotPassword_NulInEmail_ShowsAFormErrorBesideTheEmailField()
    {
        var (status, html) = await PostFormAsync(app.CreateHttpClient(new CookieContainer()), "/forgot-password", new() { ["Email"] = NulEmail });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Matches(FieldError("Email", NulMessage), html);
    }

    [Fact]
    public async Task ResetPassword_NulInTheLinksEmail_SaysTheLinkIsNotValid()
    {
        var browser = app.CreateHttpClient(new CookieContainer());

        var (status, html) = await PostFormAsync(
            browser, "/reset-password?email=someone%40example.com&code=abc", new() { ["Email"] = NulEmail, ["Code"] = "abc", ["Password"] = TestUsers.Password }, postTo: "/reset-password");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("This reset link is not valid or has expired.", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SettingsRename_NulInName_ShowsTheErrorBesideTheFieldAndKeepsTheName()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync("Before");
        var browser = await CookieSession.SignInAsync(app, admin);
        var settings = $"/w/{workspace.Id}/settings/workspace";

        var (status, html) = await PostFormAsync(browser, settings, new() { ["Name"] = "After\u0000" }, postTo: settings + "?handler=Rename");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("id=\"workspace-name-error\"", html, StringComparison.Ordinal);
        Assert.Equal("Before", Assert.Single((await admin.Client.GetMeAsync()).Workspaces).Name);
    }

    [Fact]
    public async Task SettingsRename_EightyEmoji_IsStored_EightyOne_IsAFieldError()
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync("Before");
        var browser = await CookieSession.SignInAsync(app, admin);
        var settings = $"/w/{workspace.Id}/settings/workspace";
        var atLimit = string.Concat(Enumerable.Repeat(Emoji, 80));

        var (tooLongStatus, tooLong) = await PostFormAsync(browser, settings, new() { ["Name"] = atLimit + Emoji }, postTo: settings + "?handler=Rename");
        var (renamedStatus, _) = await PostFormAsync(browser, settings, new() { ["Name"] = atLimit }, postTo: settings + "?handler=Rename");

        Assert.Equal(HttpStatusCode.OK, tooLongStatus);
        Assert.Contains("id=\"workspace-name-error\"", tooLong, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, renamedStatus);
        Assert.Equal(atLimit, Assert.Single((await admin.Client.GetMeAsync()).Workspaces).Name);
    }

    [Fact]
    public async Task Signup_NameOfAHundredEmoji_IsStored_AHundredAndOne_IsAFieldError()
    {
        var atLimit = string.Concat(Enumerable.Repeat(Emoji, Features.Accounts.User.NameMaxLength));
        var email = TestUsers.NewEmail();

        var (tooLongStatus, tooLong) = await PostFormAsync(
            app.CreateHttpClient(new CookieContainer()), "/signup", new() { ["Name"] = atLimit + Emoji, ["Email"] = email, ["Password"] = TestUsers.Password });
        var (createdStatus, _) = await PostFormAsync(
            app.CreateHttpClient(new CookieContainer()), "/signup", new() { ["Name"] = atLimit, ["Email"] = email, ["Password"] = TestUsers.Password });

        Assert.Equal(HttpStatusCode.OK, tooLongStatus);
        Assert.Matches(FieldError("Name", "Keep your name to 100 characters."), tooLong);
        // Sign-up answers "Check your email to finish" (the same page whether or not the address had an account).
        Assert.Equal(HttpStatusCode.OK, createdStatus);
        Assert.Equal(atLimit, (await app.FindUserAsync(email)).Name);
    }

    [Theory]
    [InlineData("/signup", "Email")]
    [InlineData("/login", "Email")]
    [InlineData("/forgot-password", "Email")]
    public async Task UrlEncodedFormWithNul_IsRefusedByTheFormReader_WithTheCalmErrorPage(string page, string field)
    {
        // ASP.NET Core's form reader refuses a NUL in a URL-encoded value ("invalid characters"), so such a form never
        // reaches a page handler, nor the database: the antiforgery check cannot read it and answers 400.
        var browser = app.CreateHttpClient(new CookieContainer());

        var (status, html) = await PostFormAsync(browser, page, new() { [field] = NulEmail, ["Name"] = "Ada", ["Password"] = TestUsers.Password }, urlEncoded: true);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("The form could not be sent", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("settings/members?q=a%00b")]
    [InlineData("settings/audit-log?actor=a%00b")]
    [InlineData("settings/workspace?handler=Re%00name")]
    public async Task QueryValueWithNul_AnswersTheCalmErrorPage(string pathAndQuery)
    {
        var admin = await TestUsers.RegisterAsync(app);
        var workspace = await admin.Client.CreateWorkspaceAsync();
        var browser = await CookieSession.SignInAsync(app, admin);

        using var response = await browser.GetAsync(new Uri($"/w/{workspace.Id}/{pathAndQuery}", UriKind.Relative), TestContext.Current.CancellationToken);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("The form could not be sent", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoginPage_NulInTheInvitationQuery_AnswersTheCalmErrorPage()
    {
        using var response = await app.CreateHttpClient().GetAsync(new Uri("/login?invite=abc%00", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>
    /// Opens the page, then posts its form with its hidden fields (the antiforgery token) and the given fields, as
    /// <c>multipart/form-data</c> (which carries a NUL to the page's model binding) or, when asked, URL-encoded.
    /// </summary>
    private static async Task<(HttpStatusCode Status, string Html)> PostFormAsync(
        HttpClient browser, string page, Dictionary<string, string> fields, string? postTo = null, bool urlEncoded = false)
    {
        var form = TestUsers.HiddenFields(await browser.GetStringAsync(new Uri(page, UriKind.Relative), TestContext.Current.CancellationToken));
        foreach (var (name, value) in fields)
        {
            form[name] = value;
        }

        using HttpContent content = urlEncoded ? new FormUrlEncodedContent(form) : Multipart(form);
        using var response = await browser.PostAsync(new Uri(postTo ?? page, UriKind.Relative), content, TestContext.Current.CancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    private static MultipartFormDataContent Multipart(Dictionary<string, string> form)
    {
        var content = new MultipartFormDataContent();
        foreach (var (name, value) in form)
        {
            content.Add(new StringContent(value), name);
        }

        return content;
    }

    /// <summary>The message inside the validation span of that field (<c>asp-validation-for</c>), i.e. beside it.</summary>
    private static Regex FieldError(string field, string encodedMessage) =>
        new($"data-valmsg-for=\"{field}\"[^>]*>{Regex.Escape(encodedMessage)}</span>");
}
