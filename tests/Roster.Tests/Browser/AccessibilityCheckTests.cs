using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Roster.Tests.Infrastructure;
using Xunit.v3;
using static Microsoft.Playwright.Assertions;

namespace Roster.Tests.Browser;

/// <summary>
/// The accessibility checks that every browser test runs (<see cref="AccessibilityChecks"/>): they find a known violation
/// on a page and in a dialog, and fail the test with what a developer needs to fix it; they run under the app's
/// Content-Security-Policy as served.
/// </summary>
public sealed class AccessibilityCheckTests(RosterApp app, BrowserFixture browser)
{
    private static string CleanPage(string content) => $$"""
        <!doctype html>
        <html lang="en">
        <head><title>Fixture</title></head>
        <body>
        <main>
          <h1>Fixture</h1>
          {{content}}
          <dialog id="question" aria-labelledby="question-title"><h2 id="question-title">Question</h2><input type="text"></dialog>
        </main>
        </body>
        </html>
        """;

    [Fact]
    public async Task A_page_with_an_image_without_text_fails_the_test_naming_rule_impact_address_and_element()
    {
        var context = await browser.NewContextAsync(app.BaseAddress);
        await ServeAsync(context, CleanPage("""<img id="chart" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">"""));
        var page = await context.NewPageAsync();
        await page.GotoAsync("/accessibility-fixture");

        // The check that the page's load started finds it, before the context closes.
        await WaitUntilAsync(() => Log.Violations.Any(violation => violation.Rule == "image-alt"));
        await context.DisposeAsync();

        var failure = await Assert.ThrowsAsync<AccessibilityViolationException>(() => EndOfTestAsync());
        Assert.Contains($"- image-alt (critical) on {new Uri(app.BaseAddress, "/accessibility-fixture")}: Images must have alternative text", failure.Message, StringComparison.Ordinal);
        Assert.Contains("https://dequeuniversity.com/rules/axe/4.14/image-alt", failure.Message, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"^\s+#chart$", RegexOptions.Multiline), failure.Message);
        Assert.DoesNotContain("- label (", failure.Message, StringComparison.Ordinal); // the closed dialog's field is hidden
    }

    [Fact]
    public async Task A_dialog_is_checked_when_it_opens()
    {
        var context = await browser.NewContextAsync(app.BaseAddress);
        await ServeAsync(context, CleanPage(""));
        var page = await context.NewPageAsync();
        await page.GotoAsync("/accessibility-fixture");
        await WaitUntilAsync(() => Log.PagesChecked >= 1);
        Assert.Empty(Log.Violations);

        // The dialog's unlabelled field is hidden until the dialog opens; the check its opening starts finds it.
        await page.EvaluateAsync("() => document.getElementById('question').showModal()");
        await WaitUntilAsync(() => Log.Violations.Any(violation => violation.Rule == "label"));
        await page.EvaluateAsync("() => document.getElementById('question').close()");
        await context.DisposeAsync();
        Assert.Equal("input", Assert.Single(Assert.Single(Log.Violations).Nodes).Target);

        var failure = await Assert.ThrowsAsync<AccessibilityViolationException>(() => EndOfTestAsync());
        Assert.Contains("- label (critical) on ", failure.Message, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"^\s+input$", RegexOptions.Multiline), failure.Message);
    }

    [Fact]
    public async Task The_checks_run_under_the_app_s_content_security_policy_as_served()
    {
        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await context.NewPageAsync();

        var response = await page.GotoAsync("/login");

        Assert.Contains("script-src 'self';", await response!.HeaderValueAsync("content-security-policy"), StringComparison.Ordinal);
        await WaitUntilAsync(() => Log.PagesChecked >= 1);
        Assert.True(await page.EvaluateAsync<bool>("() => typeof window.axe === 'object'"));
    }

    [Fact]
    public async Task A_content_security_policy_refusal_fails_the_test()
    {
        var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login");

        // What an inline style attribute in a page would do under the policy: the browser refuses it and says so on its console.
        await page.EvaluateAsync("() => { const style = document.createElement('style'); style.textContent = 'main { color: red }'; document.head.append(style); }");
        await Expect(page.GetByRole(AriaRole.Heading).First).ToBeVisibleAsync();
        await context.DisposeAsync();

        var failure = await Assert.ThrowsAsync<AccessibilityViolationException>(() => EndOfTestAsync());
        Assert.Contains("content-security-policy on ", failure.Message, StringComparison.Ordinal);
        Assert.Contains("style-src 'self'", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_API_reference_works_under_its_own_policy()
    {
        await using var context = await browser.NewContextAsync(app.BaseAddress);
        var page = await context.NewPageAsync();

        var response = await page.GotoAsync("/api/docs/");

        Assert.Contains("'nonce-", await response!.HeaderValueAsync("content-security-policy"), StringComparison.Ordinal);
        // Scalar's page is built by its scripts (the inline module boots it): with a script the policy refused it would stay
        // empty, and the refusal on the console fails the test. Its 3 MB bundle is slow to start on two busy cores.
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Powered by Scalar" })).ToBeVisibleAsync(new() { Timeout = 60_000 });
    }

    private static AccessibilityLog Log => AccessibilityLog.Current;

    /// <summary>What xunit runs after the test: it fails the test with the log, and takes the log, so it runs once.</summary>
    private static Task EndOfTestAsync() => Task.Run(() =>
    {
        var test = (IXunitTest)TestContext.Current.Test!;
        new AccessibilityCheckedAttribute().After(test.TestMethod.Method, test);
    });

    private static async Task ServeAsync(IBrowserContext context, string html) =>
        await context.RouteAsync("**/accessibility-fixture", route => route.FulfillAsync(new() { ContentType = "text/html", Body = html }));

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var waited = TimeSpan.Zero; !condition(); waited += TimeSpan.FromMilliseconds(100))
        {
            Assert.True(waited < TimeSpan.FromSeconds(30), "The accessibility check did not happen within 30 seconds.");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}
