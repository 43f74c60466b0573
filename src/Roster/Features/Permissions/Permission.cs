namespace Roster.Features.Permissions;

/// <summary>Which permission a row is: one of the three built into every workspace, or one an Admin made.</summary>
public enum PermissionKind
{
    Custom = 0,

    /// <summary>Every grant on every menu, and administration (members, invitations, permissions, settings, API keys).</summary>
    Admin = 1,

    /// <summary>Every grant on every menu; no administration.</summary>
    Member = 2,

    /// <summary><c>read-only</c> and <c>data-read</c> on every menu.</summary>
    Viewer = 3,
}

/// <summary>
/// A named set of grants that members of a workspace hold (the seed's "permission"; "role" elsewhere). Every
/// workspace has the built-in Admin, Member and Viewer; Admins add custom ones. Memberships, invitation links and
/// (later) invitations hold its <see cref="Id"/>, so renaming one changes nobody's access.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "The field's own term for the thing: a permission.")]
public sealed class Permission
{
    public const int NameMaxLength = 50;

    private Permission()
    {
    }

    private Permission(Guid workspaceId, string name, PermissionKind kind, GrantSet grants, DateTimeOffset createdAt)
    {
        Id = Guid.CreateVersion7(createdAt);
        WorkspaceId = workspaceId;
        Kind = kind;
        CreatedAt = createdAt;
        Rename(name);
        Grants = grants;
    }

    public Guid Id { get; private set; }

    public Guid WorkspaceId { get; private set; }

    public string Name { get; private set; } = "";

    /// <summary>Upper-case invariant form of the name: unique per workspace, so names never collide by letter case.</summary>
    public string NormalizedName { get; private set; } = "";

    public PermissionKind Kind { get; private set; }

    /// <summary>A custom permission's grants; empty for built-ins, whose grants follow from <see cref="Kind"/>.</summary>
    public GrantSet Grants { get; private set; } = GrantSet.Empty;

    public DateTimeOffset CreatedAt { get; private set; }

    public bool BuiltIn => Kind != PermissionKind.Custom;

    /// <summary>The three permissions every workspace starts with.</summary>
    public static IReadOnlyList<Permission> BuiltInsFor(Guid workspaceId, DateTimeOffset createdAt) =>
    [
        new(workspaceId, BuiltInPermissionNames.Admin, PermissionKind.Admin, GrantSet.Empty, createdAt),
        new(workspaceId, BuiltInPermissionNames.Member, PermissionKind.Member, GrantSet.Empty, createdAt),
        new(workspaceId, BuiltInPermissionNames.Viewer, PermissionKind.Viewer, GrantSet.Empty, createdAt),
    ];

    public static Permission Custom(Guid workspaceId, string name, GrantSet grants, DateTimeOffset createdAt) =>
        new(workspaceId, name, PermissionKind.Custom, grants, createdAt);

    public static string Normalize(string name) => name.Trim().ToUpperInvariant();

    /// <summary>Renames a custom permission. Built-ins keep their names (the service refuses before this).</summary>
    public void Rename(string name)
    {
        Name = name.Trim();
        NormalizedName = Normalize(name);
    }

    public void ChangeGrants(GrantSet grants)
    {
        if (BuiltIn)
        {
            throw new InvalidOperationException("A built-in permission's grants are fixed.");
        }

        Grants = grants;
    }

    /// <summary>The projection the evaluator reads.</summary>
    public PermissionSnapshot ToSnapshot() => new(Id, Name, Kind, Grants);
}

/// <summary>The built-in permissions' names, which no custom permission may take.</summary>
public static class BuiltInPermissionNames
{
    public const string Admin = "Admin";
    public const string Member = "Member";
    public const string Viewer = "Viewer";
}
