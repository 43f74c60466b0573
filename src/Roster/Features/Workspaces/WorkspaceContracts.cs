using Roster.Features.Permissions;
using Roster.Features.Plans;
using Roster.Infrastructure.Text;

namespace Roster.Features.Workspaces;

/// <summary>The body of <c>POST /api/v1/workspaces</c>: a name of 1 to 80 characters (Unicode code points).</summary>
public sealed record CreateWorkspaceRequest([property: StorableText(Workspace.NameMaxLength)] string? Name);

/// <summary>PATCH <c>/api/v1/workspaces/{id}</c>: the fields to change; a field left out keeps its value.</summary>
public sealed record UpdateWorkspaceRequest([property: StorableText(Workspace.NameMaxLength)] string? Name);

/// <summary>A workspace as one of its members sees it, on the wire: their permission by name and id.</summary>
public sealed record WorkspaceResponse(Guid Id, string Name, string Permission, Guid PermissionId, int MemberCount, DateTimeOffset CreatedAt);

/// <summary>
/// A workspace as one of its members sees it, read by the service: their permission as the evaluator reads it, and
/// the workspace's plan (the configured plan it records, or the default).
/// </summary>
public sealed record WorkspaceSummary(Guid Id, string Name, PermissionSnapshot Permission, int MemberCount, DateTimeOffset CreatedAt, Plan Plan)
{
    public WorkspaceResponse ToResponse() => new(Id, Name, Permission.Name, Permission.Id, MemberCount, CreatedAt);
}
