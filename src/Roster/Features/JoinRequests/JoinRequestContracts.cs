namespace Roster.Features.JoinRequests;

/// <summary>The body of <c>POST .../join-requests/{requestId}/approve</c>: the permission to give, by name or id.</summary>
public sealed record ApproveJoinRequestRequest(string? Permission);

/// <summary>
/// A request to join, on the wire. <c>status</c>: <c>pending</c>, <c>approved</c>, <c>declined</c>, or <c>joined</c>
/// when the workspace's automatic policy let the person in at once (then <c>id</c> is null and <c>permission</c> says as what).
/// </summary>
public sealed record JoinRequestResponse(
    Guid? Id, Guid WorkspaceId, string WorkspaceName, Guid UserId, string Name, string Email, string Status, DateTimeOffset CreatedAt, string? Permission, Guid? PermissionId);

/// <summary>A pending request as Settings > Workspace lists it.</summary>
public sealed record PendingJoinRequest(Guid Id, Guid UserId, string Name, string Email, DateTimeOffset CreatedAt);

/// <summary>What asking to join did: <paramref name="Created"/> false when a pending request was there already.</summary>
public sealed record JoinRequestOutcome(JoinRequestResponse Request, bool Created);
