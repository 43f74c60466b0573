using System.Collections.Concurrent;
using System.Diagnostics;
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
    /// <summary>
    /// Debian's old headless shell when installed (<c>chromium-headless-shell</c>: the same Blink without the desktop
    /// browser around it, the build Playwright itself runs headless, and about half the processor time of the whole
    /// browser), else Debian's Chromium; <c>ROSTER_TEST_CHROMIUM</c> names another.
    /// </summary>
    public static readonly string ChromiumPath = Environment.GetEnvironmentVariable("ROSTER_TEST_CHROMIUM") is { Length: > 0 } named
        ? named
        : File.Exists(HeadlessShellPath) ? HeadlessShellPath : "/usr/bin/chromium";

    private const string HeadlessShellPath = "/usr/lib/chromium/chromium-headless-shell";

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
    /// A fresh browser context (a person) for the app, whose every page and dialog axe checks (<see cref="AccessibilityChecks"/>;
    /// the test fails at its end on any violation). Without Chromium or axe-core the test is skipped on a developer's
    /// machine, and fails under CI=true, where a skipped browser test would hide a broken flow.
    /// </summary>
    public Task<IBrowserContext> NewContextAsync(Uri baseAddress) => NewContextAsync(baseAddress, new BrowserNewContextOptions());

    /// <summary>
    /// A fresh browser context with options of the test's own (a time zone, a locale); the base address and the
    /// clipboard permissions are set here.
    /// </summary>
    public async Task<IBrowserContext> NewContextAsync(Uri baseAddress, BrowserNewContextOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (browser is null)
        {
            Unavailable($"Chromium is not installed at {ChromiumPath}; scripts/test.sh installs it (apt-get install chromium-headless-shell).");
        }

        if (!AxeEngine.IsInstalled)
        {
            Unavailable(AxeEngine.InstallHint);
        }

        options.BaseURL = baseAddress.ToString();
        options.Permissions = ["clipboard-read", "clipboard-write"];
        var context = await browser.NewContextAsync(options);
        // Generous waits: the suite runs its API tests beside the browser on two cores, and a sign-up (password
        // hashing, the verification email over SMTP, the first workspace) can take seconds when they crowd it. A
        // broken flow still fails, only later.
        context.SetDefaultTimeout(30_000);
        Microsoft.Playwright.Assertions.SetDefaultExpectTimeout(15_000);
        ReportSlowRequests(context, TestContext.Current.TestOutputHelper);
        return await AccessibilityChecks.AttachAsync(context, AccessibilityLog.Current);
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void Unavailable(string message)
    {
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail(message);
        }

        Assert.Skip(message);
    }

    /// <summary>
    /// Writes to the test's output every request that took over two seconds, and those still unanswered when the
    /// context closes: when a wait for a page times out, the output says which request the page was waiting on.
    /// </summary>
    private static void ReportSlowRequests(IBrowserContext context, ITestOutputHelper? output)
    {
        if (output is null)
        {
            return;
        }

        var started = new ConcurrentDictionary<IRequest, long>();
        void Ended(IRequest request, string how)
        {
            if (started.TryRemove(request, out var start) && Stopwatch.GetElapsedTime(start) > TimeSpan.FromSeconds(2))
            {
                Write($"slow request, {how} after {Stopwatch.GetElapsedTime(start).TotalSeconds:0.0} s: {request.Method} {request.Url}");
            }
        }

        void Write(string line)
        {
            try
            {
                output.WriteLine($"[browser {DateTime.UtcNow:HH:mm:ss.fff}] {line}");
            }
            catch (InvalidOperationException)
            {
                // The test has ended; nobody reads its output any more.
            }
        }

        context.Request += (_, request) => started[request] = Stopwatch.GetTimestamp();
        context.RequestFinished += (_, request) => Ended(request, "finished");
        context.RequestFailed += (_, request) => Ended(request, $"failed ({request.Failure})");
        context.Close += (_, _) =>
        {
            foreach (var (request, start) in started)
            {
                Write($"unanswered when the context closed, after {Stopwatch.GetElapsedTime(start).TotalSeconds:0.0} s: {request.Method} {request.Url}");
            }
        };
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
