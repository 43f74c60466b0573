namespace Roster.Tests.Infrastructure;

/// <summary>The repository the tests were built from, for tests that check the documentation or the tests' own code.</summary>
public static class RepositoryFiles
{
    /// <summary>The folder that holds <c>Roster.slnx</c>, found above the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Roster.slnx")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("Roster.slnx not found above the test binaries.");
    }
}
