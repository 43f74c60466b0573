using Roster.Infrastructure.Text;

namespace Roster.Features.Workspaces;

/// <summary>A team's space on the dashboard: members, permissions, invitation links, API keys, its plan and its audit log.</summary>
public sealed class Workspace
{
    public const int NameMaxLength = 80;

    private Workspace()
    {
    }

    public Workspace(string name, Guid createdByUserId, DateTimeOffset createdAt, string plan)
    {
        Id = Guid.CreateVersion7(createdAt);
        Name = name;
        Plan = plan;
        CreatedByUserId = createdByUserId;
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }

    public string Name { get; private set; } = "";

    public Guid CreatedByUserId { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>
    /// How many members the workspace has. Changed only by <c>MemberService</c>, with a conditional update in the
    /// same transaction as the membership, so it never drifts and a member limit can be enforced on it without a race.
    /// </summary>
    public int MemberCount { get; private set; }

    /// <summary>
    /// The name of the workspace's plan (SPEC section 6), one of <c>PlanCatalog</c>'s; new workspaces get the default
    /// plan, and only the operator's command line changes it. A name no longer configured (or empty, in workspaces made
    /// before plans existed) counts as the default.
    /// </summary>
    public string Plan { get; private set; } = "";

    /// <summary>
    /// When the Admins were last told by email that someone could not join because the plan was full (UTC), so that
    /// they are told at most once a day: set by a conditional update, which one instance wins.
    /// </summary>
    public DateTimeOffset? MemberLimitNoticeSentAt { get; private set; }

    /// <summary>
    /// When an Admin chose the workspace's name (UTC): given at creation, saved or kept in Settings or the dashboard's
    /// "Get started" card. Null while it still has the name made up for it at first sign-in, which the card offers to change.
    /// </summary>
    public DateTimeOffset? NameChosenAt { get; private set; }

    /// <summary>
    /// The company's domain (SPEC section 5), normalised by <c>CompanyDomainNames</c>; null when it has none. Filled at
    /// creation from the creator's verified email unless that is a public mail provider's; changed in Settings >
    /// Workspace (<c>CompanyDomainService</c>). Configured in <c>CompanyDomains/WorkspaceCompanyDomainConfiguration</c>.
    /// </summary>
    public string? CompanyDomain { get; private set; }

    /// <summary>Who with a verified email on <see cref="CompanyDomain"/> may join, and how; <c>request</c> by default.</summary>
    public CompanyDomains.JoinPolicy JoinPolicy { get; private set; } = CompanyDomains.JoinPolicy.Request;

    /// <summary>The permission people join as under the automatic policy; null means the built-in Member.</summary>
    public Guid? AutoJoinPermissionId { get; private set; }

    /// <summary>Sets the company domain found at creation (already normalised, never a public mail domain).</summary>
    public void SetInitialCompanyDomain(string? domain) => CompanyDomain = domain;

    /// <summary>Records that the name was chosen by a person, not made up (a workspace created with a name they gave).</summary>
    public void MarkNameChosen(DateTimeOffset at) => NameChosenAt ??= at;

    public static string DefaultNameFor(string displayName) =>
        StorableText.Truncate($"{displayName}'s Workspace", NameMaxLength);
}
