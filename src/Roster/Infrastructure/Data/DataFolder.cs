namespace Roster.Infrastructure.Data;

/// <summary>The folder for everything Roster keeps on disk (SQLite database, outbox): <c>Roster:DataFolder</c>, default <c>./data</c>.</summary>
public sealed class DataFolder(string path)
{
    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public string Resolve(string relativeOrAbsolute) => System.IO.Path.Combine(Path, relativeOrAbsolute);
}
