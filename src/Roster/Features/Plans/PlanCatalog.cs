using System.Linq.Expressions;
using Roster.Features.Workspaces;
using Roster.Infrastructure.Errors;

namespace Roster.Features.Plans;

/// <summary>
/// The plans of this installation, from configuration (SPEC section 6). <c>Roster:Plans:Default</c> names the plan a
/// new workspace gets; every other child of <c>Roster:Plans</c> is a plan, keyed by its name, with
/// <c>MemberLimit</c> (a positive number of members, or absent for no limit) and <c>Features</c> (wire names of
/// <see cref="PlanFeature"/>). appsettings.json ships <c>Free</c> (5 members, built-in permissions), <c>Pro</c>
/// (50, email invitations, automatic domain join, API keys) and <c>Enterprise</c> (no limit, everything).
/// A configuration mistake (no plan, an unknown default or feature, a limit below 1) stops the app at start with
/// a message naming the setting.
/// </summary>
public sealed class PlanCatalog
{
    public const string Section = "Roster:Plans";
    public const int NameMaxLength = 50;

    private readonly Dictionary<string, Plan> byName;

    public PlanCatalog(IConfiguration configuration)
        : this(Read(configuration.GetSection(Section)))
    {
    }

    private PlanCatalog((IReadOnlyList<Plan> Plans, string DefaultPlan) definition)
    {
        var (plans, defaultPlan) = definition;
        if (plans.Count == 0)
        {
            throw new InvalidOperationException($"{Section}: configure at least one plan.");
        }

        byName = new Dictionary<string, Plan>(StringComparer.OrdinalIgnoreCase);
        foreach (var plan in plans)
        {
            if (!byName.TryAdd(plan.Name, plan))
            {
                throw new InvalidOperationException($"{Section}: two plans are called '{plan.Name}'.");
            }
        }

        Default = byName.TryGetValue(defaultPlan, out var found)
            ? found
            : throw new InvalidOperationException($"{Section}:Default is '{defaultPlan}', which is not one of the plans ({string.Join(", ", byName.Keys)}).");

        // Smallest first, unlimited last: the order the dashboard compares them in.
        All = [.. plans.OrderBy(p => p.MemberLimit ?? int.MaxValue).ThenBy(p => p.Name, StringComparer.Ordinal)];
        HasSeat = BuildHasSeat();
    }

    /// <summary>A catalog of the given plans; <paramref name="defaultPlan"/> names one of them (tests, tools).</summary>
    public static PlanCatalog Create(IReadOnlyList<Plan> plans, string defaultPlan) => new((plans, defaultPlan));

    /// <summary>Every plan, smallest member limit first, unlimited last.</summary>
    public IReadOnlyList<Plan> All { get; }

    /// <summary>The plan new workspaces get (<c>Roster:Plans:Default</c>, <c>Free</c> unless configured otherwise).</summary>
    public Plan Default { get; }

    /// <summary>
    /// "This workspace can take one more member", as a condition the database evaluates on the workspace's own row
    /// (its recorded plan and member count), so that a conditional update enforces the limit without a read first:
    /// concurrent joins on any number of instances never exceed it. A recorded plan that is no longer configured
    /// counts as the default plan, as <see cref="Find"/> does.
    /// </summary>
    public Expression<Func<Workspace, bool>> HasSeat { get; }

    /// <summary>The plan of that name (ignoring case), or null.</summary>
    public Plan? Find(string? name) => name is not null && byName.TryGetValue(name.Trim(), out var plan) ? plan : null;

    /// <summary>A workspace's plan: the one it records, or the default when that plan is no longer configured.</summary>
    public Plan Of(string? recordedPlan) => Find(recordedPlan) ?? Default;

    /// <summary>The first plan (smallest) that includes the feature, to name in a locked feature's message; null when none does.</summary>
    public Plan? CheapestWith(PlanFeature feature) => All.FirstOrDefault(p => p.Has(feature));

    /// <summary>
    /// Null when <paramref name="plan"/> includes the feature; otherwise 403 <c>plan.feature_locked</c> naming the
    /// smallest plan that does.
    /// </summary>
    public Error? Lock(Plan plan, PlanFeature feature) =>
        plan.Has(feature) ? null : PlanErrors.FeatureLocked(feature, plan, CheapestWith(feature));

    private Expression<Func<Workspace, bool>> BuildHasSeat()
    {
        var workspace = Expression.Parameter(typeof(Workspace), "w");
        // Compared in lower case, as Find and Of compare ignoring case: a plan recorded as "Pro" stays on Pro when the
        // configuration spells it "PRO". (lower() of one row found by its key: no index is needed on it.)
        var plan = Expression.Call(Expression.Property(workspace, nameof(Workspace.Plan)), typeof(string).GetMethod(nameof(string.ToLower), Type.EmptyTypes)!);
        var members = Expression.Property(workspace, nameof(Workspace.MemberCount));
        Expression Below(int limit) => Expression.LessThan(members, Expression.Constant(limit));
        Expression Is(string name) => Expression.Equal(plan, Expression.Constant(name.ToLowerInvariant()));

        // (Plan = 'Free' AND MemberCount < 5) OR (Plan = 'Pro' AND MemberCount < 50) OR Plan = 'Enterprise'
        // OR (Plan NOT IN (...) AND <the default plan's rule>).
        Expression? any = null;
        foreach (var p in All)
        {
            var rule = p.MemberLimit is { } limit ? Expression.AndAlso(Is(p.Name), Below(limit)) : Is(p.Name);
            any = any is null ? rule : Expression.OrElse(any, rule);
        }

        Expression unknown = All.Select(p => (Expression)Expression.NotEqual(plan, Expression.Constant(p.Name.ToLowerInvariant())))
            .Aggregate(Expression.AndAlso);
        var fallback = Default.MemberLimit is { } defaultLimit ? Expression.AndAlso(unknown, Below(defaultLimit)) : unknown;
        return Expression.Lambda<Func<Workspace, bool>>(Expression.OrElse(any!, fallback), workspace);
    }

    private static (IReadOnlyList<Plan>, string) Read(IConfigurationSection section)
    {
        var plans = new List<Plan>();
        foreach (var child in section.GetChildren().Where(c => c.Key != "Default"))
        {
            var name = child.Key.Trim();
            if (name.Length == 0 || name.Length > NameMaxLength)
            {
                throw new InvalidOperationException($"{Section}: a plan's name must be 1 to {NameMaxLength} characters.");
            }

            int? limit = null;
            if (child["MemberLimit"] is { Length: > 0 } text)
            {
                limit = int.TryParse(text, out var value) && value >= 1
                    ? value
                    : throw new InvalidOperationException($"{Section}:{name}:MemberLimit must be a whole number of at least 1, or absent for no limit.");
            }

            var features = new HashSet<PlanFeature>();
            foreach (var entry in child.GetSection("Features").GetChildren())
            {
                features.Add(PlanFeatures.Parse(entry.Value)
                    ?? throw new InvalidOperationException(
                        $"{Section}:{name}:Features has '{entry.Value}'; features are {string.Join(", ", PlanFeatures.All.Select(PlanFeatures.NameOf))}."));
            }

            plans.Add(new Plan(name, limit, features));
        }

        return (plans, section["Default"] is { Length: > 0 } configured ? configured.Trim() : "Free");
    }
}
