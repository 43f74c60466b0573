namespace Roster.Features.CompanyDomains;

/// <summary>
/// A change to the company domain and join policy (the company-domain fields of <c>PATCH /api/v1/workspaces/{id}</c>).
/// <paramref name="DomainGiven"/>: whether <c>companyDomain</c> was in the request (null or "" then clears it);
/// <paramref name="JoinPolicy"/>: <c>off</c>, <c>request</c> or <c>automatic</c>, or null to keep it;
/// <paramref name="AutoJoinPermission"/>: a permission's name or id, or null to keep it (Member when none was chosen).
/// </summary>
public sealed record CompanyDomainChange(bool DomainGiven, string? Domain, string? JoinPolicy, string? AutoJoinPermission)
{
    /// <summary>Whether the request changes anything here at all.</summary>
    public bool IsEmpty => !DomainGiven && JoinPolicy is null && AutoJoinPermission is null;
}

/// <summary>A workspace's company domain and join policy as Settings > Workspace shows them.</summary>
public sealed record CompanyDomainSettings(string? Domain, JoinPolicy Policy, Guid AutoJoinPermissionId, string AutoJoinPermission, bool AutomaticAllowed);

/// <summary>
/// A workspace a person may join or ask to join (<c>GET /api/v1/me/discoverable-workspaces</c>): <c>joinPolicy</c> is
/// <c>request</c> or <c>automatic</c>; <c>requested</c>: the person's request is pending.
/// </summary>
public sealed record DiscoverableWorkspaceResponse(Guid Id, string Name, int MemberCount, string JoinPolicy, bool Requested);

/// <summary>A discoverable workspace as the service reads it; the policy is the effective one (see <see cref="DiscoveryService"/>).</summary>
public sealed record DiscoverableWorkspace(Guid Id, string Name, int MemberCount, JoinPolicy Policy, Guid? AutoJoinPermissionId, bool Requested)
{
    public DiscoverableWorkspaceResponse ToResponse() => new(Id, Name, MemberCount, Policy.ToApiName(), Requested);
}
