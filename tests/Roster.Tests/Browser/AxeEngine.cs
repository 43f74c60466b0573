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
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe !== 'undefined'"))
        {
            await page.EvaluateAsync(source);
        }

        var answer = await page.EvaluateAsync<JsonElement>(RunScript, Tags);
        if (answer.GetProperty("navigated").GetBoolean())
        {
            return null;
        }

        var url = answer.GetProperty("url").GetString()!;
        var violations = answer.GetProperty("violations").EnumerateArray()
            .Select(violation => new AxeViolation(
                violation.GetProperty("rule").GetString()!,
                violation.GetProperty("impact").GetString()!,
                violation.GetProperty("help").GetString()!,
                violation.GetProperty("helpUrl").GetString()!,
                url,
                [.. violation.GetProperty("nodes").EnumerateArray().Select(node => new AxeNode(node.GetProperty("target").GetString()!, node.GetProperty("summary").GetString()!))]))
            .ToList();
        return new AxeResult(url, violations);
    }
}

/// <summary>One check of one page: its address and what axe found there.</summary>
public sealed record AxeResult(string Url, IReadOnlyList<AxeViolation> Violations);

/// <summary>One of axe's rules that failed on a page, with the elements that fail it.</summary>
public sealed record AxeViolation(string Rule, string Impact, string Help, string HelpUrl, string Url, IReadOnlyList<AxeNode> Nodes);

/// <summary>An element that fails a rule: its CSS selector, and axe's account of what is wrong and how to fix it.</summary>
public sealed record AxeNode(string Target, string Summary);
