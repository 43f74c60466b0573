using Roster.Features.Plans;

namespace Roster.Pages.Workspaces;

/// <summary>What <c>_FeatureLocked.cshtml</c> shows in place of a feature the workspace's plan lacks.</summary>
public sealed record FeatureLockNotice(WorkspaceHeader Header, PlanFeature Feature, string Explanation);
