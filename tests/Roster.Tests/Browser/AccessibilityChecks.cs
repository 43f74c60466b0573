using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Microsoft.Playwright;

namespace Roster.Tests.Browser;

/// <summary>
/// Runs axe on every page a browser context shows: when a page has loaded, when a dialog or a menu (<c>&lt;dialog&gt;</c>,
/// <c>&lt;details&gt;</c>) opens, when a test asks (<see cref="CheckAsync"/>), and on every open page as its context closes.
/// Checks run beside the test and record their findings in the test's <see cref="AccessibilityLog"/>; a check that the
/// page's navigation or closing cuts short is no finding (the next page has its own check). A document checked before in
/// the same run (the same markup up to test data, at the same window size: <see cref="AxeEngine.RunAsync"/>) keeps its verdict.
/// </summary>
public sealed class AccessibilityChecks
{
    private const string OpenedBinding = "__rosterAccessibilityCheck";

    // Runs before the page's own scripts in every document (the DevTools protocol adds it; the page's CSP does not apply):
    // a dialog or a menu that opens asks the test for a check of the page as it now is.
    private const string OpenObserver = $$"""
        (() => {
            new MutationObserver((records) => {
                if (records.some((record) => record.target.hasAttribute("open") && ["dialog", "details"].includes(record.target.localName))) {
                    window.{{OpenedBinding}}?.();
                }
            }).observe(document, { subtree: true, attributes: true, attributeFilter: ["open"] });
        })();
        """;

    private static readonly ConditionalWeakTable<IBrowserContext, AccessibilityChecks> ByContext = [];

    private readonly IBrowserContext context;
    private readonly AccessibilityLog log;
    private readonly ConcurrentDictionary<IPage, SemaphoreSlim> pageLocks = new();
    private int finished;

    private AccessibilityChecks(IBrowserContext context, AccessibilityLog log)
    {
        this.context = context;
        this.log = log;
    }

    /// <summary>
    /// Starts checking every page of the context into the log, and returns the context to hand to the test: the same one,
    /// except that closing or disposing it first finishes the checks and checks each open page once more as it is.
    /// </summary>
    public static async Task<IBrowserContext> AttachAsync(IBrowserContext context, AccessibilityLog log)
    {
        var checks = new AccessibilityChecks(context, log);
        ByContext.Add(context, checks);
        context.Page += (_, page) => checks.Watch(page);
        await context.ExposeBindingAsync(OpenedBinding, source => checks.Schedule(source.Page));
        await context.AddInitScriptAsync(OpenObserver);

        // The engine itself, in every document before the page's own scripts: sent to the browser once per context instead
        // of once per check.
        await context.AddInitScriptAsync(AxeEngine.Script);
        return FinishingContext.Wrap(context, checks);
    }

    /// <summary>Checks the page as it is now, and waits for the check (a dialog's state the test is about to leave).</summary>
    public static Task CheckAsync(IPage page) =>
        ByContext.TryGetValue(page.Context, out var checks)
            ? checks.RunAsync(page)
            : throw new InvalidOperationException("The page's context did not come from BrowserFixture.NewContextAsync.");

    private void Watch(IPage page)
    {
        page.Load += (_, loaded) => Schedule(loaded);

        // The app's policy forbids inline scripts and styles: a page that still has one is broken under it, and the browser
        // says so only on its console.
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                log.AddError($"content-security-policy on {page.Url}: {message.Text}");
            }
        };
    }

    // Event handlers run on Playwright's dispatcher, which must stay free to deliver the check's own answers.
    private void Schedule(IPage page) => log.Track(Task.Run(() => RunAsync(page)));

    private async Task RunAsync(IPage page)
    {
        // about:blank (a new page, or one whose navigation timed out) is the browser's, not a page of the app.
        if (page.IsClosed || !page.Url.StartsWith("http", StringComparison.Ordinal))
        {
            return;
        }

        // axe refuses to run twice at once in one document.
        var pageLock = pageLocks.GetOrAdd(page, _ => new SemaphoreSlim(1, 1));
        await pageLock.WaitAsync();
        var url = page.Url;
        try
        {
            if (await AxeEngine.RunAsync(page) is { } result)
            {
                log.Add(result);
            }
        }
        catch (Exception exception) when (IsPageGone(page, exception))
        {
            // The page navigated or closed while axe ran: not a finding; the next page is checked when it loads.
            log.NotChecked(url);
        }
        catch (Exception exception)
        {
            log.AddError($"the accessibility check of {url} failed: {exception.GetType().Name}: {exception.Message}");
        }
        finally
        {
            pageLock.Release();
        }
    }

    private static bool IsPageGone(IPage page, Exception exception) =>
        page.IsClosed
        || (exception is PlaywrightException
            && new[] { "Execution context was destroyed", "navigat", "has been closed", "Target closed", "Cannot find context", "detached" }
                .Any(sign => exception.Message.Contains(sign, StringComparison.OrdinalIgnoreCase)));

    private async Task FinishAsync()
    {
        if (Interlocked.Exchange(ref finished, 1) == 1)
        {
            return;
        }

        await log.WhenChecksEndAsync(TimeSpan.FromSeconds(60));
        foreach (var page in context.Pages)
        {
            await RunAsync(page);
        }
    }

    /// <summary>
    /// The test's view of its context: every call goes to the real one, except that closing or disposing it first
    /// finishes the checks, so that the page a test ends on is checked too (the end of the test would be too late: the
    /// context is gone by then).
    /// </summary>
    public class FinishingContext : DispatchProxy
    {
        private IBrowserContext inner = null!;
        private AccessibilityChecks checks = null!;

        internal static IBrowserContext Wrap(IBrowserContext inner, AccessibilityChecks checks)
        {
            var proxy = Create<IBrowserContext, FinishingContext>();
            var finishing = (FinishingContext)(object)proxy;
            finishing.inner = inner;
            finishing.checks = checks;
            return proxy;
        }

        /// <inheritdoc />
        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(targetMethod);
            if (targetMethod.Name == nameof(IAsyncDisposable.DisposeAsync))
            {
                return new ValueTask(FinishThenAsync(() => inner.DisposeAsync().AsTask()));
            }

            if (targetMethod.Name == nameof(IBrowserContext.CloseAsync))
            {
                return FinishThenAsync(() => inner.CloseAsync((BrowserContextCloseOptions?)args?[0]));
            }

            try
            {
                return targetMethod.Invoke(inner, args);
            }
            catch (TargetInvocationException exception) when (exception.InnerException is not null)
            {
                ExceptionDispatchInfo.Capture(exception.InnerException).Throw();
                throw;
            }
        }

        private async Task FinishThenAsync(Func<Task> close)
        {
            try
            {
                await checks.FinishAsync();
            }
            finally
            {
                await close();
            }
        }
    }
}
