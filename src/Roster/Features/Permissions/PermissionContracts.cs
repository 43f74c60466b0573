using Roster.Infrastructure.Text;

namespace Roster.Features.Permissions;

/// <summary>A menu as <c>GET /api/v1/menus</c> lists it.</summary>
public sealed record MenuResponse(string Key, string Name, string Description);

/// <summary>
/// A permission on the wire (SPEC section 8): <c>grants</c> maps a menu key to its grants' wire names. For a
/// built-in permission it lists what it grants on every menu today. <c>Members</c> is how many hold it.
/// </summary>
public sealed record PermissionResponse(
    Guid Id,
    string Name,
    bool BuiltIn,
    bool Administers,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Grants,
    int Members);

/// <summary>The body of <c>POST</c> and <c>PATCH .../permissions</c>. On PATCH, a field left out keeps its value.</summary>
public sealed record PermissionRequest([property: StorableText(Permission.NameMaxLength)] string? Name, IReadOnlyDictionary<string, IReadOnlyList<string>>? Grants);

/// <summary>A permission with its member count, as the service reads it.</summary>
public sealed record PermissionSummary(PermissionSnapshot Permission, int Members)
{
    public bool BuiltIn => Permission.Kind != PermissionKind.Custom;
}
