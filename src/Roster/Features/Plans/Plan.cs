namespace Roster.Features.Plans;

/// <summary>
/// What a plan may unlock beyond the seed's journey (SPEC section 6). On the wire and in configuration a feature is
/// named by its kebab-case name (<see cref="PlanFeatures.NameOf"/>): <c>custom-permissions</c>,
/// <c>email-invitations</c>, <c>automatic-domain-join</c>, <c>api-keys</c>, <c>audit-log-export</c>.
/// </summary>
public enum PlanFeature
{
    CustomPermissions,
    EmailInvitations,
    AutomaticDomainJoin,
    ApiKeys,
    AuditLogExport,
}

/// <summary>The wire names of <see cref="PlanFeature"/> and the words the dashboard shows for them.</summary>
public static class PlanFeatures
{
    public static IReadOnlyList<PlanFeature> All { get; } = Enum.GetValues<PlanFeature>();

    public static string NameOf(PlanFeature feature) => feature switch
    {
        PlanFeature.CustomPermissions => "custom-permissions",
        PlanFeature.EmailInvitations => "email-invitations",
        PlanFeature.AutomaticDomainJoin => "automatic-domain-join",
        PlanFeature.ApiKeys => "api-keys",
        PlanFeature.AuditLogExport => "audit-log-export",
        _ => throw new ArgumentOutOfRangeException(nameof(feature)),
    };

    public static string TitleOf(PlanFeature feature) => feature switch
    {
        PlanFeature.CustomPermissions => "Custom permissions",
        PlanFeature.EmailInvitations => "Email invitations",
        PlanFeature.AutomaticDomainJoin => "Automatic domain join",
        PlanFeature.ApiKeys => "API keys",
        PlanFeature.AuditLogExport => "Audit log export",
        _ => throw new ArgumentOutOfRangeException(nameof(feature)),
    };

    /// <summary>The feature of a wire name (case-insensitive), or null for an unknown name.</summary>
    public static PlanFeature? Parse(string? name) =>
        All.Cast<PlanFeature?>().FirstOrDefault(f => string.Equals(NameOf(f!.Value), name?.Trim(), StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// One plan: its name (as workspaces record it), the most members a workspace on it may have (null: no limit)
/// and the features it unlocks.
/// </summary>
public sealed record Plan(string Name, int? MemberLimit, IReadOnlySet<PlanFeature> Features)
{
    public bool Has(PlanFeature feature) => Features.Contains(feature);

    /// <summary>Whether a workspace with <paramref name="members"/> members can take one more.</summary>
    public bool HasSeatFor(int members) => MemberLimit is not { } limit || members < limit;
}
