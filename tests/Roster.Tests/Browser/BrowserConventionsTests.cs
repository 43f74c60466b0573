using System.Text.RegularExpressions;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Browser;

/// <summary>Rules the browser tests keep so that they fail only when a flow is broken.</summary>
public sealed class BrowserConventionsTests
{
    /// <summary>
    /// <c>WaitForURLAsync</c> can lose the navigation or <c>load</c> event it waits for (playwright-dotnet#3364) and
    /// then times out on a page that loaded: a browser test waits with <see cref="Pages.WaitForUrlAsync(Microsoft.Playwright.IPage, string)"/>.
    /// </summary>
    [Fact]
    public void No_test_waits_with_the_event_based_url_wait()
    {
        var offenders = Directory.EnumerateFiles(Path.Combine(RepositoryFiles.Root, "tests"), "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(path => Regex.IsMatch(File.ReadAllText(path), @"(?<!IPage)\.WaitForURLAsync\("))
            .Select(path => Path.GetRelativePath(RepositoryFiles.Root, path));
        Assert.Empty(offenders);
    }
}
