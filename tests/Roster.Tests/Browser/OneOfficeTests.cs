using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Playwright;
using Roster.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Roster.Tests.Browser;

/// <summary>
/// One office, one address (issue 10, item 8): a team behind one NAT address opens one invitation link and signs up
/// within a minute, and all of them get in with the shipped limits; guessing at an account still meets "Too many
/// attempts", with how long to wait. Each test runs its own app on real Kestrel, so every request, the browser's and
/// the test's, comes from 127.0.0.1.
/// </summary>
public sealed class OneOfficeTests(BrowserFixture browser)
{
    private const int People = 50;
    private const int InChromium = 2;
    private static readonly CancellationToken Cancel = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Fifty_people_behind_one_address_sign_up_from_one_link_within_a_minute_and_all_join()
    {
        // Shipped limits; the workspace's plan has no member limit, so only the rate limits could refuse anyone.
        await using var app = await RateLimitedApps.StartAsync(new() { ["Roster:Plans:Default"] = TestPlans.Enterprise });
        var baseAddress = RateLimitedApps.BaseAddressOf(app);
        using var admin = await AdminAsync(baseAddress);
        var workspace = await admin.CreateWorkspaceAsync("Office Team");
        var link = await admin.CreateLinkAsync(workspace.Id, "Member");
        var token = ApiClient.TokenOf(link);

        // Everyone at once, as a team told "join now" does: most by the page's own form posts, two in Chromium.
        var watch = Stopwatch.StartNew();
        var byForm = Parallel.ForEachAsync(
            Enumerable.Range(0, People - InChromium),
            new ParallelOptions { MaxDegreeOfParallelism = 6, CancellationToken = Cancel },
            async (person, _) => await SignUpByFormAsync(app, baseAddress, token, workspace.Id, person));
        var inChromium = Enumerable.Range(0, InChromium).Select(person => SignUpInChromiumAsync(app, baseAddress, link.Url, workspace.Id, person)).ToList();
        await Task.WhenAll([byForm, .. inChromium]);
        var elapsed = watch.Elapsed;
        TestContext.Current.TestOutputHelper?.WriteLine($"{People} sign-ups from one address took {elapsed.TotalSeconds:0.0} s.");

        Assert.True(elapsed < TimeSpan.FromMinutes(1), $"The {People} sign-ups took {elapsed.TotalSeconds:0} s; the claim is about one minute.");
        Assert.Equal(People + 1, (await admin.ListMembersAsync(workspace.Id)).Count);
        Assert.Equal(People, (await admin.GetLinkAsync(workspace.Id, link.Id)).Uses);
    }

    [Fact]
    public async Task Guessing_at_one_account_meets_too_many_attempts_with_the_time_to_wait()
    {
        await using var app = await RateLimitedApps.StartAsync(new() { ["Roster:RateLimits:CredentialsPerAccountPerMinute"] = "2" });
        await using var context = await browser.NewContextAsync(RateLimitedApps.BaseAddressOf(app));
        var page = await context.NewPageAsync();
        var email = TestUsers.NewEmail();

        await page.GotoAsync("/login");
        for (var attempt = 0; attempt < 2; attempt++)
        {
            await Pages.SignInAsync(page, email, "not the password at all");
            await Expect(Pages.PageError(page)).ToContainTextAsync("Email or password is incorrect");
        }

        await Pages.SignInAsync(page, email, "not the password at all");

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Too many attempts" })).ToBeVisibleAsync();
        await Expect(page.GetByText("Wait 30 seconds and try again.")).ToBeVisibleAsync();
    }

    /// <summary>The Admin, signed in to the API with a bearer token.</summary>
    private static async Task<HttpClient> AdminAsync(Uri baseAddress)
    {
        var admin = new HttpClient { BaseAddress = baseAddress };
        var email = TestUsers.NewEmail();
        using var registered = await admin.PostAsJsonAsync("/api/v1/auth/register", new { email, password = TestUsers.Password }, Cancel);
        await registered.EnsureSuccessAsync();
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TestUsers.AccessTokenAsync(admin, email));
        return admin;
    }

    /// <summary>
    /// Opens the link, then /signup from it, and posts its form as a browser would (antiforgery token included); then opens
    /// the verification link the app wrote to its outbox and posts its button, which signs in and joins.
    /// </summary>
    private static async Task SignUpByFormAsync(IsolatedApp app, Uri baseAddress, string token, Guid workspaceId, int person)
    {
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
        {
            BaseAddress = baseAddress,
        };
        using var landing = await client.GetAsync(new Uri($"/invite/{token}", UriKind.Relative), Cancel);
        Assert.Equal(HttpStatusCode.OK, landing.StatusCode);
        var signUpPath = $"/signup?invite={token}";
        using var opened = await client.GetAsync(new Uri(signUpPath, UriKind.Relative), Cancel);
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        var form = TestUsers.HiddenFields(await opened.Content.ReadAsStringAsync(Cancel));
        form["Name"] = $"Office Person {person}";
        var email = TestUsers.NewEmail();
        form["Email"] = email;
        form["Password"] = Pages.Password;

        using var posted = await client.PostAsync(new Uri(signUpPath, UriKind.Relative), new FormUrlEncodedContent(form), Cancel);
        Assert.True(posted.StatusCode == HttpStatusCode.OK, $"Person {person}'s sign-up answered {(int)posted.StatusCode}.");
        Assert.Contains(Pages.CheckYourEmail, await posted.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);

        var verification = await VerificationLinkAsync(app, email);
        var confirmPage = await client.GetStringAsync(new Uri(verification.PathAndQuery, UriKind.Relative), Cancel);
        using var confirmed = await client.PostAsync(
            new Uri(verification.PathAndQuery, UriKind.Relative), new FormUrlEncodedContent(TestUsers.HiddenFields(confirmPage)), Cancel);
        Assert.True(confirmed.StatusCode == HttpStatusCode.Redirect, $"Person {person}'s confirmation answered {(int)confirmed.StatusCode}.");
        Assert.Equal($"/w/{workspaceId}", confirmed.Headers.Location?.OriginalString);
    }

    private async Task SignUpInChromiumAsync(IsolatedApp app, Uri baseAddress, string link, Guid workspaceId, int person)
    {
        await using var context = await browser.NewContextAsync(baseAddress);
        var page = await context.NewPageAsync();
        await page.GotoAsync(link);
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign up" }).ClickAsync();
        var email = TestUsers.NewEmail();
        await Pages.SignUpAsync(page, $"Chromium Person {person}", email);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = Pages.CheckYourEmail })).ToBeVisibleAsync();
        await Pages.ConfirmFromLinkAsync(page, await VerificationLinkAsync(app, email));
        await Pages.WaitForUrlAsync(page, $"**/w/{workspaceId}");
        await Expect(Pages.Notice(page)).ToHaveTextAsync("You joined Office Team as Member");
    }

    // Every outbox file read so far, by path: its recipient and verification link (null for another kind of mail), so that
    // fifty people waiting at once read each file once instead of every file fifty times over (which, on a busy machine,
    // outlasted the deadline).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string To, Uri Link)?> OutboxFiles = new();

    /// <summary>The verification link the app (no SMTP server: its outbox folder) wrote for <paramref name="email"/>, within 60 seconds.</summary>
    private static async Task<Uri> VerificationLinkAsync(IsolatedApp app, string email)
    {
        var outbox = Path.Combine(app.DataFolder, "outbox");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var files = Directory.Exists(outbox) ? Directory.GetFiles(outbox, "*.eml") : [];
            foreach (var file in files)
            {
                if (!OutboxFiles.TryGetValue(file, out var known))
                {
                    MimeKit.MimeMessage message;
                    try
                    {
                        message = await MimeKit.MimeMessage.LoadAsync(file, Cancel);
                    }
                    catch (IOException)
                    {
                        continue; // Still being written.
                    }
                    catch (FormatException)
                    {
                        continue;
                    }

                    if (message.TextBody is null)
                    {
                        continue; // Still being written: read again next time.
                    }

                    known = TestUsers.IsVerificationEmail(message) ? (message.To.Mailboxes.Single().Address, Mailbox.FirstLink(message)) : null;
                    OutboxFiles[file] = known;
                }

                if (known is { } mail && mail.To == email)
                {
                    return mail.Link;
                }
            }

            Assert.True(DateTime.UtcNow < deadline, $"No verification email for {email} in the outbox.");
            await Task.Delay(100, Cancel);
        }
    }
}
