namespace Roster.Features.Permissions;

/// <summary>
/// The permissions every workspace has. Menus and custom permission sets build on these names;
/// a membership and an invitation link store the permission's name.
/// </summary>
public static class BuiltInPermissions
{
    public const string Admin = "Admin";
    public const string Member = "Member";
    public const string Viewer = "Viewer";

    public static IReadOnlyList<string> All { get; } = [Admin, Member, Viewer];

    /// <summary>Finds a permission by name, ignoring case, and returns its canonical spelling.</summary>
    public static bool TryNormalize(string? name, out string permission)
    {
        permission = All.FirstOrDefault(p => string.Equals(p, name?.Trim(), StringComparison.OrdinalIgnoreCase)) ?? "";
        return permission.Length > 0;
    }
}
