using System.Collections.Concurrent;
using System.Text;

namespace Roster.Tests.Browser;

/// <summary>
/// What the accessibility checks found during one test: axe's violations, the browser's Content-Security-Policy refusals
/// and any check that failed for a reason other than the page going away. <see cref="AccessibilityCheckedAttribute"/>
/// fails the test with it at the end, so nothing a check found in an event handler is lost.
/// </summary>
public sealed class AccessibilityLog
{
    private static readonly ConcurrentDictionary<string, AccessibilityLog> ByTest = new();

    private readonly Lock gate = new();
    private readonly ITestOutputHelper? output;
    private readonly List<AxeViolation> violations = [];
    private readonly HashSet<(string Rule, string Url, string Target)> seen = [];
    private readonly List<string> errors = [];
    private readonly List<Task> checks = [];
    private int pagesChecked;

    private AccessibilityLog(ITestOutputHelper? output) => this.output = output;

    /// <summary>The log of the current test, created on first use.</summary>
    public static AccessibilityLog Current =>
        ByTest.GetOrAdd(
            TestContext.Current.Test?.UniqueID ?? throw new InvalidOperationException("Accessibility checks belong to a running test."),
            _ => new AccessibilityLog(TestContext.Current.TestOutputHelper));

    /// <summary>Removes and returns the test's log (null when the test opened no browser).</summary>
    public static AccessibilityLog? Take(string testId) => ByTest.TryRemove(testId, out var log) ? log : null;

    /// <summary>How many checks ran to the end (pages, dialogs and menus).</summary>
    public int PagesChecked => Volatile.Read(ref pagesChecked);

    /// <summary>The violations found so far, each (rule, address, element) once.</summary>
    public IReadOnlyList<AxeViolation> Violations
    {
        get
        {
            lock (gate)
            {
                return [.. violations];
            }
        }
    }

    /// <summary>Records one finished check.</summary>
    public void Add(AxeResult result)
    {
        Interlocked.Increment(ref pagesChecked);
        lock (gate)
        {
            foreach (var violation in result.Violations)
            {
                var nodes = violation.Nodes.Where(node => seen.Add((violation.Rule, violation.Url, node.Target))).ToList();
                if (nodes.Count == 0)
                {
                    continue;
                }

                if (ReportedOnly(violation) is { } reason)
                {
                    Write(Describe(violation with { Nodes = nodes }, reason));
                    continue;
                }

                violations.Add(violation with { Nodes = nodes });
            }
        }
    }

    /// <summary>Records something that is not an axe rule but fails the test the same way (a check that broke, a CSP refusal).</summary>
    public void AddError(string error)
    {
        lock (gate)
        {
            errors.Add(error);
        }
    }

    /// <summary>
    /// Names in the test's output a page that was left before its check finished (the test clicked on at once): not a
    /// finding, and not silently dropped either. The pages a test ends on, and every dialog the helpers open, are always checked.
    /// </summary>
    public void NotChecked(string url) => Write($"accessibility: not checked, left before its check finished: {url}");

    /// <summary>Keeps a check that runs beside the test, so that the end of the test waits for it.</summary>
    public void Track(Task check)
    {
        lock (gate)
        {
            checks.RemoveAll(task => task.IsCompleted);
            checks.Add(check);
        }
    }

    /// <summary>Waits for the checks still running (each records its own outcome and never throws).</summary>
    public async Task WhenChecksEndAsync(TimeSpan timeout)
    {
        Task[] running;
        lock (gate)
        {
            running = [.. checks];
        }

        var all = Task.WhenAll(running);
        if (await Task.WhenAny(all, Task.Delay(timeout)) != all)
        {
            AddError($"{running.Count(task => !task.IsCompleted)} accessibility check(s) still running {timeout.TotalSeconds:0} s after the test ended.");
        }
    }

    /// <summary>Why a violation goes to the test's output instead of failing the test; null for every other (most) violation.</summary>
    private static string? ReportedOnly(AxeViolation violation)
    {
        // The API reference at /api/docs is Scalar's page, markup and script (Scalar.AspNetCore), not Roster's: its findings
        // (no lang on <html>, a region role on its toolbar) are Scalar's to fix upstream; the test still loads it under its
        // policy. Roster's own pages all fail on any violation.
        if (new Uri(violation.Url).AbsolutePath.StartsWith("/api/docs", StringComparison.Ordinal))
        {
            return "reported, not failing: third-party page (Scalar)";
        }

        return null;
    }

    private static string Describe(AxeViolation violation, string? note)
    {
        var text = new StringBuilder();
        text.AppendLine($"- {violation.Rule} ({violation.Impact}{(note is null ? "" : $", {note}")}) on {violation.Url}: {violation.Help} ({violation.HelpUrl})");
        foreach (var node in violation.Nodes)
        {
            text.AppendLine($"    {node.Target}");
            text.AppendLine($"        {node.Summary}");
        }

        return text.ToString();
    }

    private void Write(string text)
    {
        try
        {
            output?.WriteLine(text.TrimEnd());
        }
        catch (InvalidOperationException)
        {
            // The test has ended; nobody reads its output any more.
        }
    }

    /// <summary>The message that fails the test, listing every finding so that it can be fixed without running the test again; null when there is none.</summary>
    public string? FailureMessage()
    {
        lock (gate)
        {
            if (violations.Count == 0 && errors.Count == 0)
            {
                return null;
            }

            var message = new StringBuilder();
            if (violations.Count > 0)
            {
                message.AppendLine($"axe-core found {violations.Count} accessibility violation(s) ({PagesChecked} checks, rules: {string.Join(", ", AxeEngine.Tags)}):");
                foreach (var violation in violations)
                {
                    message.Append(Describe(violation, null));
                }
            }

            foreach (var error in errors)
            {
                message.AppendLine($"- {error}");
            }

            return message.ToString();
        }
    }
}
