namespace Roster.Tests.Infrastructure;

public static class Times
{
    /// <summary>
    /// The same instant as the database keeps it: SQLite stores times with a 0.1 ms resolution, so a time read
    /// back differs from the one the creating request answered by less than that (see
    /// <c>WorkspacesApiTests.Get_AfterCreate_AnswersTheCreatedAtTheCreationAnswered</c>).
    /// </summary>
    public static void AssertSameInstant(DateTimeOffset expected, DateTimeOffset actual) =>
        Assert.InRange(actual, expected.AddMilliseconds(-1), expected.AddMilliseconds(1));
}
