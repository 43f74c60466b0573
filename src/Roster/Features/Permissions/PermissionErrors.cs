using Roster.Infrastructure.Errors;

namespace Roster.Features.Permissions;

public static class PermissionErrors
{
    public static readonly Error NotFound = new("permission.not_found", "No such permission in this workspace.", ErrorKind.NotFound);

    public static readonly Error InUse = new(
        "permission.in_use",
        "Members hold this permission. Move them to another permission before deleting it.",
        ErrorKind.Conflict);

    public static readonly Error BuiltIn = new(
        "permission.built_in",
        "Admin, Member and Viewer are built in: they cannot be renamed, changed or deleted.",
        ErrorKind.Conflict);

    public static readonly Error NameTaken = new("permission.name_taken", "Another permission in this workspace has that name.", ErrorKind.Conflict);

    /// <summary>A field error for a permission named in a request that the workspace does not have.</summary>
    public static Error Unknown(string field) =>
        Error.Validation(field, "No permission of that name or id in this workspace. Use a name such as Viewer, or an id from the permissions list.");
}
