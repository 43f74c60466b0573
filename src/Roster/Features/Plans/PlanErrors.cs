using Roster.Infrastructure.Errors;

namespace Roster.Features.Plans;

public static class PlanErrors
{
    /// <summary>409: the workspace has as many members as its plan allows (SPEC section 6). The link stays usable.</summary>
    public static readonly Error MemberLimitReached = new(
        "plan.member_limit_reached",
        "This workspace has as many members as its plan allows. Ask one of its Admins to upgrade the plan or free a seat, then open the link again.",
        ErrorKind.Conflict);

    /// <summary>403: the workspace's plan does not include the feature; the message names the smallest plan that does.</summary>
    public static Error FeatureLocked(PlanFeature feature, Plan current, Plan? unlockedBy) => new(
        "plan.feature_locked",
        unlockedBy is null
            ? $"{PlanFeatures.TitleOf(feature)} is not part of any plan on this server."
            : $"{PlanFeatures.TitleOf(feature)} is not part of the {current.Name} plan; the {unlockedBy.Name} plan includes it.",
        ErrorKind.Forbidden);
}
