using Roster.Features.CompanyDomains;
using Roster.Features.Permissions;
using Roster.Features.Plans;
using Roster.Infrastructure.Text;

namespace Roster.Features.Workspaces;

/// <summary>The body of <c>POST /api/v1/workspaces</c>: a name of 1 to 80 characters (Unicode code points).</summary>
public sealed record CreateWorkspaceRequest([property: StorableText(Workspace.NameMaxLength)] string? Name);

/// <summary>
/// PATCH <c>/api/v1/workspaces/{id}</c>: the fields to change; a field left out keeps its value. <c>companyDomain</c>:
/// a domain (null or "" clears it); <c>joinPolicy</c>: <c>off</c>, <c>request</c> or <c>automatic</c>;
/// <c>autoJoinPermission</c>: a permission's name or id (SPEC section 5, <c>CompanyDomainService</c>).
/// </summary>
public sealed record UpdateWorkspaceRequest([property: StorableText(Workspace.NameMaxLength)] string? Name)
{
    /// <summary>Absent: kept; null or "": cleared; else a domain name (a JSON element, to tell absent from null).</summary>
    public System.Text.Json.JsonElement CompanyDomain { get; init; }

    [StorableText(16)]
    public string? JoinPolicy { get; init; }

    [StorableText(64)]
    public string? AutoJoinPermission { get; init; }
}

/// <summary>
/// A workspace as one of its members sees it, on the wire: their permission by name and id; its company domain (or
/// null), join policy (<c>off</c>, <c>request</c>, <c>automatic</c>) and the permission people join as automatically
/// (null: Member).
/// </summary>
public sealed record WorkspaceResponse(
    Guid Id, string Name, string Permission, Guid PermissionId, int MemberCount, DateTimeOffset CreatedAt,
    string? CompanyDomain, string JoinPolicy, Guid? AutoJoinPermissionId);

/// <summary>
/// A workspace as one of its members sees it, read by the service: their permission as the evaluator reads it, and
/// the workspace's plan (the configured plan it records, or the default).
/// </summary>
public sealed record WorkspaceSummary(
    Guid Id, string Name, PermissionSnapshot Permission, int MemberCount, DateTimeOffset CreatedAt, Plan Plan,
    string? CompanyDomain = null, JoinPolicy JoinPolicy = JoinPolicy.Request, Guid? AutoJoinPermissionId = null)
{
    public WorkspaceResponse ToResponse() => new(
        Id, Name, Permission.Name, Permission.Id, MemberCount, CreatedAt, CompanyDomain, JoinPolicy.ToApiName(), AutoJoinPermissionId);
}
