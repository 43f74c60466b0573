namespace Roster.Features.Workspaces;

public sealed record CreateWorkspaceRequest(string? Name);

/// <summary>A workspace as one of its members sees it.</summary>
public sealed record WorkspaceResponse(Guid Id, string Name, string Permission, int MemberCount, DateTimeOffset CreatedAt);
