namespace Roster.Features.Workspaces;

/// <summary>A team's space on the dashboard: members, permissions, invitation links, API keys and (later) plan and settings.</summary>
public sealed class Workspace
{
    public const int NameMaxLength = 80;

    private Workspace()
    {
    }

    public Workspace(string name, Guid createdByUserId, DateTimeOffset createdAt)
    {
        Id = Guid.CreateVersion7(createdAt);
        Name = name;
        CreatedByUserId = createdByUserId;
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }

    public string Name { get; private set; } = "";

    public Guid CreatedByUserId { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>
    /// How many members the workspace has. Changed only by <c>MemberService</c>, with a conditional update in the
    /// same transaction as the membership, so it never drifts and a member limit can be enforced on it without a race.
    /// </summary>
    public int MemberCount { get; private set; }

    public static string DefaultNameFor(string displayName) =>
        Truncate($"{displayName}'s Workspace", NameMaxLength);

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}
