using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Playwright;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Browser;

/// <summary>
/// axe-core (Deque's accessibility engine), installed from npm into tests/js/node_modules by <c>npm ci</c> (scripts/test.sh
/// does it), at the version pinned in tests/js/package-lock.json; and how a browser test runs it on a page.
/// </summary>
public static class AxeEngine
{
    /// <summary>
    /// The rules that run: every WCAG 2.0 and 2.1 rule at levels A and AA, and axe's best practices. None is disabled; a rule
    /// that must be (a false positive) is turned off here, by id, with the reason written beside it.
    /// </summary>
    public static IReadOnlyList<string> Tags { get; } = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"];

    /// <summary>Where <c>npm ci</c> puts the engine.</summary>
    public static string ScriptPath { get; } = Path.Combine(RepositoryFiles.Root, "tests", "js", "node_modules", "axe-core", "axe.min.js");

    /// <summary>What to run when the engine is missing.</summary>
    public static string InstallHint => $"axe-core is not installed ({ScriptPath} is missing): run 'npm ci' in tests/js (scripts/test.sh does).";

    private static readonly Lazy<string?> Source = new(() => File.Exists(ScriptPath) ? File.ReadAllText(ScriptPath) : null);

    /// <summary>Whether <c>npm ci</c> has installed the engine.</summary>
    public static bool IsInstalled => Source.Value is not null;

    /// <summary>The engine's script, to run in every document of a browser context before the page's own scripts.</summary>
    public static string Script => Source.Value ?? throw new InvalidOperationException(InstallHint);

    // The verdict on each document checked in this run, by fingerprint (see StateScript).
    private static readonly ConcurrentDictionary<string, IReadOnlyList<AxeViolation>> Checked = new();

    // Whether axe is in the document, and the document's fingerprint: its markup with what differs between one test's data
    // and another's replaced by a placeholder (ids, tokens and nonces, email addresses, numbers), and the window's size.
    // Two pages with the same fingerprint differ only in those values, which no axe rule depends on; dozens of tests sign in
    // on the same /login, and each check of it would find what the first did.
    private const string StateScript = """
        () => {
            const markup = document.documentElement.outerHTML
                .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, "G")
                .replace(/[A-Za-z0-9+\/=_-]{20,}/g, "T")
                .replace(/[^\s@<>"'=;:,()]+@[^\s@<>"'=;:,()]+/g, "E")
                .replace(/\d+/g, "0");
            let h1 = 0xdeadbeef, h2 = 0x41c6ce57;
            for (let i = 0; i < markup.length; i++) {
                const c = markup.charCodeAt(i);
                h1 = Math.imul(h1 ^ c, 2654435761);
                h2 = Math.imul(h2 ^ c, 1597334677);
            }
            h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
            h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
            return {
                hasAxe: typeof window.axe !== "undefined",
                url: location.href,
                fingerprint: `${window.innerWidth}x${window.innerHeight}:${markup.length}:${h1 >>> 0}:${h2 >>> 0}`,
            };
        }
        """;

    // Runs in the page: axe.run on the whole document, violations only, flattened to what the failure message shows. A page
    // that navigated since axe was injected has no axe: the answer says so, and the next page's own check covers it.
    private const string RunScript = """
        async (tags) => {
            if (typeof window.axe === "undefined") {
                return { navigated: true, url: location.href, violations: [] };
            }
            const results = await window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
            return {
                navigated: false,
                url: location.href,
                violations: results.violations.map((violation) => ({
                    rule: violation.id,
                    impact: violation.impact ?? "unknown",
                    help: violation.help,
                    helpUrl: violation.helpUrl,
                    nodes: violation.nodes.map((node) => ({
                        target: node.target.map((part) => Array.isArray(part) ? part.join(" >>> ") : part).join(" "),
                        summary: (node.failureSummary ?? "").split("\n").map((line) => line.trim()).filter((line) => line).join(" "),
                    })),
                })),
            };
        }
        """;

    /// <summary>
    /// Runs axe on the page as it is now and returns its violations, or null when the page navigated away while it ran.
    /// The engine is injected with <see cref="IPage.EvaluateAsync(string, object?)"/>, which the DevTools protocol runs
    /// outside the page's Content-Security-Policy: the app's policy stays exactly as served (no BypassCSP), and the check
    /// works under it.
    /// </summary>
    public static async Task<AxeResult?> RunAsync(IPage page)
    {
        var source = Source.Value ?? throw new InvalidOperationException(InstallHint);
        var state = await page.EvaluateAsync<JsonElement>(StateScript);
        if (!state.GetProperty("hasAxe").GetBoolean())
        {
            // A document the context's init script did not reach.
            await page.EvaluateAsync(source);
        }

        // The same document (up to the values that differ from one test's data to another's) at the same window size was
        // checked already in this run: its verdict stands, named at this page's address.
        var fingerprint = state.GetProperty("fingerprint").GetString()!;
        var url = state.GetProperty("url").GetString()!;
        if (Checked.TryGetValue(fingerprint, out var known))
        {
            return new AxeResult(url, [.. known.Select(violation => violation with { Url = url })]);
        }

        var answer = await page.EvaluateAsync<JsonElement>(RunScript, Tags);
        if (answer.GetProperty("navigated").GetBoolean())
        {
            return null;
        }

        url = answer.GetProperty("url").GetString()!;
        var violations = answer.GetProperty("violations").EnumerateArray()
            .Select(violation => new AxeViolation(
                violation.GetProperty("rule").GetString()!,
                violation.GetProperty("impact").GetString()!,
                violation.GetProperty("help").GetString()!,
                violation.GetProperty("helpUrl").GetString()!,
                url,
                [.. violation.GetProperty("nodes").EnumerateArray().Select(node => new AxeNode(node.GetProperty("target").GetString()!, node.GetProperty("summary").GetString()!))]))
            .ToList();
        Checked.TryAdd(fingerprint, violations);
        return new AxeResult(url, violations);
    }
}

/// <summary>One check of one page: its address and what axe found there.</summary>
public sealed record AxeResult(string Url, IReadOnlyList<AxeViolation> Violations);

/// <summary>One of axe's rules that failed on a page, with the elements that fail it.</summary>
public sealed record AxeViolation(string Rule, string Impact, string Help, string HelpUrl, string Url, IReadOnlyList<AxeNode> Nodes);

/// <summary>An element that fails a rule: its CSS selector, and axe's account of what is wrong and how to fix it.</summary>
public sealed record AxeNode(string Target, string Summary);
