using System.CommandLine;
using System.Globalization;
using Roster.Features.Plans;
using Roster.Infrastructure.Authorization;

namespace Roster.Operator;

/// <summary><c>plan list</c> and <c>plan set &lt;workspace&gt; &lt;plan&gt;</c>: the plans configured, and a workspace's move to another.</summary>
public static class PlanCommands
{
    public static Command Create(OperatorHost host)
    {
        var list = new Command("list", "List the plans configured (Roster:Plans): member limit and features; * marks the default plan.");
        list.SetAction((parsed, cancellationToken) => host.RunAsync(parsed, ListAsync, cancellationToken, needsCurrentSchema: false));

        var workspace = new Argument<string>("workspace") { Description = "The workspace's id, or its name when no other workspace has it." };
        var plan = new Argument<string>("plan") { Description = "The plan's name, such as Free, Pro or Enterprise (see plan list)." };
        var set = new Command("set", "Move a workspace to another plan; its member limit and features change at once. Recorded in its audit log as plan.changed.")
        {
            workspace,
            plan,
        };
        set.SetAction((parsed, cancellationToken) => host.RunAsync(
            parsed,
            (services, output, token) => SetAsync(services, output, parsed.GetRequiredValue(workspace), parsed.GetRequiredValue(plan), token),
            cancellationToken));

        return new Command("plan", "Plans and the workspaces on them (self-hosted Roster has no billing: the operator sets each workspace's plan).") { list, set };
    }

    private static Task<int> ListAsync(IServiceProvider services, CommandOutput output, CancellationToken cancellationToken)
    {
        var catalog = services.GetRequiredService<PlanCatalog>();
        TextTable.Write(
            output.Out,
            ["PLAN", "MEMBERS", "FEATURES"],
            catalog.All.Select(p => (IReadOnlyList<string>)
            [
                p == catalog.Default ? $"{p.Name} *" : p.Name,
                p.MemberLimit is { } limit ? $"up to {limit.ToString(CultureInfo.InvariantCulture)}" : "no limit",
                p.Features.Count == 0 ? "-" : string.Join(", ", PlanFeatures.All.Where(p.Has).Select(PlanFeatures.NameOf)),
            ]));
        return Task.FromResult(ExitCodes.Success);
    }

    private static async Task<int> SetAsync(IServiceProvider services, CommandOutput output, string workspaceText, string planName, CancellationToken cancellationToken)
    {
        var catalog = services.GetRequiredService<PlanCatalog>();
        if (catalog.Find(planName) is not { } plan)
        {
            return output.Fail($"There is no plan called '{TextTable.Printable(planName)}'. The plans are: {string.Join(", ", catalog.All.Select(p => p.Name))}.");
        }

        var found = await services.GetRequiredService<OperatorDirectory>().FindWorkspacesAsync(workspaceText, cancellationToken);
        switch (found.Count)
        {
            case 0:
                return output.Fail($"No workspace has the id or name '{TextTable.Printable(workspaceText)}'. See workspaces list.");
            case > 1:
                output.Error.WriteLine($"{found.Count} workspaces are called '{TextTable.Printable(workspaceText)}'. Give the id of the one you mean:");
                TextTable.Write(
                    output.Error,
                    ["ID", "NAME", "PLAN", "MEMBERS", "CREATED (UTC)"],
                    found.Select(w => (IReadOnlyList<string>)[w.Id.ToString(), w.Name, w.Plan, w.Members.ToString(CultureInfo.InvariantCulture), TextTable.Time(w.CreatedAt)]));
                return ExitCodes.Failure;
        }

        var result = await services.GetRequiredService<PlanAssignment>().ChangeAsync(Actor.Operator, found[0].Id, plan, cancellationToken);
        if (!result.IsSuccess)
        {
            return output.Fail(result.Error!.Message);
        }

        var change = result.Value;
        var name = TextTable.Printable(change.WorkspaceName);
        output.Out.WriteLine(change.Changed
            ? $"{name} ({change.WorkspaceId}) is now on the {change.To.Name} plan (was {change.From.Name})."
            : $"{name} ({change.WorkspaceId}) is already on the {change.To.Name} plan: nothing changed.");
        if (change.OverLimit)
        {
            output.Out.WriteLine(
                $"It has {change.Members} members, more than the {change.To.Name} plan's {change.To.MemberLimit}: nobody is removed, and nobody can join until it has fewer.");
        }

        return ExitCodes.Success;
    }
}
