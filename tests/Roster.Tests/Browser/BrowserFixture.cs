using Microsoft.Playwright;

[assembly: AssemblyFixture(typeof(Roster.Tests.Browser.BrowserFixture))]

namespace Roster.Tests.Browser;

/// <summary>
/// One headless Debian Chromium for the whole run, driven by Playwright's bundled driver (no browser
/// download: <c>playwright install</c> cannot work here). Each test opens its own contexts, which share no
/// cookies, so two contexts are two people.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? playwright;
    private IBrowser? browser;

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            return;
        }

        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
            ],
        });
    }

    /// <summary>
    /// A fresh browser context (a person) for the app. Without Chromium the test is skipped on a developer's
    /// machine, and fails under CI=true, where a skipped browser test would hide a broken flow.
    /// </summary>
    public async Task<IBrowserContext> NewContextAsync(Uri baseAddress)
    {
        if (browser is null)
        {
            var message = $"Chromium is not installed at {ChromiumPath}; scripts/test.sh installs it (apt-get install chromium).";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail(message);
            }

            Assert.Skip(message);
        }

        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(),
            Permissions = ["clipboard-read", "clipboard-write"],
        });
        // Generous waits: the suite runs its API tests beside the browser on two cores, and a sign-up (password
        // hashing, the verification email over SMTP, the first workspace) can take seconds when they crowd it. A
        // broken flow still fails, only later.
        context.SetDefaultTimeout(30_000);
        Microsoft.Playwright.Assertions.SetDefaultExpectTimeout(15_000);
        return context;
    }

    public async ValueTask DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.DisposeAsync();
        }

        playwright?.Dispose();
    }
}
