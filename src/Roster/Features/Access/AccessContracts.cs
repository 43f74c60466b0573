namespace Roster.Features.Access;

/// <summary>One question to the authorization API: may <c>UserId</c> do <c>Grant</c> (<c>edit</c>, <c>read-only</c>, <c>data-download</c>, <c>data-read</c>) on <c>Menu</c> (a menu key)?</summary>
public sealed record AuthorizeRequest(Guid? UserId, string? Menu, string? Grant);

/// <summary>
/// The answer: <c>Permission</c> is the user's permission in the workspace (null when not a member); <c>Reason</c>
/// is "granted by Viewer", "not a member" or "Viewer lacks edit on A/B Test".
/// </summary>
public sealed record AuthorizeResponse(bool Allowed, string? Permission, string Reason);

/// <summary>Up to 100 questions at once, answered in the same order.</summary>
public sealed record AuthorizeBatchRequest(IReadOnlyList<AuthorizeRequest?>? Checks);

public sealed record AuthorizeBatchResponse(IReadOnlyList<AuthorizeResponse> Results);

/// <summary>The caller's own access in a workspace (<c>GET .../access</c>): their permission and its grants per menu.</summary>
public sealed record AccessResponse(
    string Permission,
    Guid PermissionId,
    bool Administers,
    IReadOnlyList<MenuAccessResponse> Menus);

/// <summary>One menu of <see cref="AccessResponse"/>: its key, its name, and the grants the caller holds there (possibly none).</summary>
public sealed record MenuAccessResponse(string Key, string Name, IReadOnlyList<string> Grants);
