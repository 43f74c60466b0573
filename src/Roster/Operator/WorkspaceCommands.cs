using System.CommandLine;
using System.Globalization;

namespace Roster.Operator;

/// <summary><c>workspaces list</c>: every workspace with its id, plan and member count.</summary>
public static class WorkspaceCommands
{
    public static Command Create(OperatorHost host)
    {
        var json = new Option<bool>("--json") { Description = "Write JSON instead of a table." };
        var list = new Command("list", "List every workspace: name, id, plan and members, by name.") { json };
        list.SetAction((parsed, cancellationToken) => host.RunAsync(
            parsed,
            async (services, output, token) =>
            {
                var workspaces = await services.GetRequiredService<OperatorDirectory>().ListWorkspacesAsync(token);
                if (parsed.GetValue(json))
                {
                    return output.WriteJson(workspaces);
                }

                TextTable.Write(
                    output.Out,
                    ["NAME", "ID", "PLAN", "MEMBERS"],
                    workspaces.Select(w => (IReadOnlyList<string>)[w.Name, w.Id.ToString(), w.Plan, w.Members.ToString(CultureInfo.InvariantCulture)]));
                return ExitCodes.Success;
            },
            cancellationToken));

        return new Command("workspaces", "The workspaces of this installation.") { list };
    }
}
