using System.Reflection;
using Xunit.v3;

[assembly: Roster.Tests.Browser.AccessibilityChecked]

namespace Roster.Tests.Browser;

/// <summary>
/// Fails a test, once it has ended, when the accessibility checks of its browser contexts found anything (see
/// <see cref="AccessibilityChecks"/>): on every test of the assembly, so that a new browser test is checked without asking.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class AccessibilityCheckedAttribute : BeforeAfterTestAttribute
{
    /// <inheritdoc />
    public override void After(MethodInfo methodUnderTest, IXunitTest test)
    {
        ArgumentNullException.ThrowIfNull(test);
        if (AccessibilityLog.Take(test.UniqueID) is not { } log)
        {
            return;
        }

        // A context the test left open may still be checking a page. xunit's After is synchronous; the checks run on the
        // thread pool and need nothing from this thread.
        log.WhenChecksEndAsync(TimeSpan.FromSeconds(60)).GetAwaiter().GetResult();
        if (log.FailureMessage() is { } failure)
        {
            throw new AccessibilityViolationException(failure);
        }
    }
}

/// <summary>What fails a test whose pages have accessibility violations.</summary>
public sealed class AccessibilityViolationException(string message) : Exception(message);
