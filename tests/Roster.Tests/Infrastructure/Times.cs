namespace Roster.Tests.Infrastructure;

public static class Times
{
    /// <summary>
    /// The same instant, give or take a millisecond: for times the test takes from its own clock while the
    /// server takes its own (the server keeps microseconds, as PostgreSQL does).
    /// </summary>
    public static void AssertSameInstant(DateTimeOffset expected, DateTimeOffset actual) =>
        Assert.InRange(actual, expected.AddMilliseconds(-1), expected.AddMilliseconds(1));
}
