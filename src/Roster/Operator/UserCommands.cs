using System.CommandLine;
using System.Globalization;
using Roster.Features.Accounts;
using Roster.Infrastructure.Authorization;
using Roster.Infrastructure.Errors;

namespace Roster.Operator;

/// <summary>
/// <c>users list</c>, <c>users disable &lt;email&gt;</c>, <c>users enable &lt;email&gt;</c> and
/// <c>users sign-ins &lt;email&gt;</c>: the accounts of this installation.
/// </summary>
public static class UserCommands
{
    public static Command Create(OperatorHost host)
    {
        var json = new Option<bool>("--json") { Description = "Write JSON instead of a table." };
        var list = new Command("list", "List every account: email, name, created (UTC), disabled or not, and how many workspaces it is in.") { json };
        list.SetAction((parsed, cancellationToken) => host.RunAsync(
            parsed, (services, output, token) => ListAsync(services, output, parsed.GetValue(json), token), cancellationToken));

        var disable = StatusCommand(
            host,
            "disable",
            "Disable an account: it cannot sign in, and its sessions and tokens are refused from their next request on.",
            (service, email, token) => service.DisableAsync(Actor.Operator, email, token),
            change => change.Changed
                ? $"{change.Email} is disabled: it cannot sign in, and its sessions and tokens no longer work."
                : $"{change.Email} was already disabled (since {TextTable.Time(change.DisabledAt!.Value)}): nothing changed.");
        var enable = StatusCommand(
            host,
            "enable",
            "Enable a disabled account again: it can sign in (sessions ended by the disabling stay ended).",
            (service, email, token) => service.EnableAsync(Actor.Operator, email, token),
            change => change.Changed ? $"{change.Email} is enabled: it can sign in again." : $"{change.Email} is not disabled: nothing changed.");

        var email = EmailArgument();
        var limit = new Option<int>("--limit") { Description = "How many events to show, newest first (1 to 1000).", DefaultValueFactory = _ => 20 };
        limit.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 1000)
            {
                result.AddError("--limit must be between 1 and 1000.");
            }
        });
        var signIns = new Command("sign-ins", "List an account's recent sign-in events (success, failure, lockout), newest first, with their client address.")
        {
            email,
            limit,
        };
        signIns.SetAction((parsed, cancellationToken) => host.RunAsync(
            parsed, (services, output, token) => SignInsAsync(services, output, parsed.GetRequiredValue(email), parsed.GetValue(limit), token), cancellationToken));

        return new Command("users", "The accounts of this installation.") { list, disable, enable, signIns };
    }

    /// <summary>
    /// The account's address, checked before anything is looked up: text that is not an address at all is bad usage (exit
    /// code 2), not "no such account". A lookup (<see cref="EmailAddresses.IsLookup"/>), not the strict rule for new
    /// addresses, so an account an earlier, looser rule let in can still be disabled.
    /// </summary>
    private static Argument<string> EmailArgument()
    {
        var email = new Argument<string>("email") { Description = "The account's email address." };
        email.Validators.Add(result =>
        {
            if (!EmailAddresses.IsLookup(result.GetValueOrDefault<string>()))
            {
                result.AddError(EmailAddresses.Message);
            }
        });
        return email;
    }

    private static Command StatusCommand(
        OperatorHost host,
        string name,
        string description,
        Func<AccountStatusService, string, CancellationToken, Task<Result<AccountStatusChange>>> change,
        Func<AccountStatusChange, string> report)
    {
        var email = EmailArgument();
        var command = new Command(name, description) { email };
        command.SetAction((parsed, cancellationToken) => host.RunAsync(
            parsed,
            async (services, output, token) =>
            {
                var result = await change(services.GetRequiredService<AccountStatusService>(), parsed.GetRequiredValue(email), token);
                if (!result.IsSuccess)
                {
                    return output.Fail(TextTable.Printable(result.Error!.Message));
                }

                output.Out.WriteLine(TextTable.Printable(report(result.Value)));
                return ExitCodes.Success;
            },
            cancellationToken));
        return command;
    }

    private static async Task<int> ListAsync(IServiceProvider services, CommandOutput output, bool json, CancellationToken cancellationToken)
    {
        var users = await services.GetRequiredService<OperatorDirectory>().ListUsersAsync(cancellationToken);
        if (json)
        {
            return output.WriteJson(users);
        }

        TextTable.Write(
            output.Out,
            ["EMAIL", "NAME", "CREATED (UTC)", "STATUS", "WORKSPACES"],
            users.Select(u => (IReadOnlyList<string>)
            [
                u.Email,
                u.Name.Length == 0 ? "-" : u.Name,
                TextTable.Time(u.CreatedAt),
                u.DisabledAt is { } disabledAt ? $"disabled {TextTable.Time(disabledAt)}" : "active",
                u.Workspaces.ToString(CultureInfo.InvariantCulture),
            ]));
        return ExitCodes.Success;
    }

    private static async Task<int> SignInsAsync(IServiceProvider services, CommandOutput output, string email, int limit, CancellationToken cancellationToken)
    {
        var directory = services.GetRequiredService<OperatorDirectory>();
        if (await directory.FindUserIdAsync(email, cancellationToken) is not { } userId)
        {
            return output.Fail(TextTable.Printable(AccountErrors.NotFound(email.Trim()).Message));
        }

        var events = await directory.ListSignInsAsync(userId, limit, cancellationToken);
        if (events.Count == 0)
        {
            output.Out.WriteLine($"No sign-in events are recorded for {TextTable.Printable(email.Trim())}.");
            return ExitCodes.Success;
        }

        TextTable.Write(
            output.Out,
            ["TIME (UTC)", "EVENT", "OUTCOME", "REASON", "CLIENT ADDRESS"],
            events.Select(e => (IReadOnlyList<string>)
            [
                TextTable.Time(e.OccurredAt),
                e.Action,
                e.Outcome.ToString().ToLowerInvariant(),
                e.Reason ?? "-",
                e.ClientAddress ?? "-",
            ]));
        return ExitCodes.Success;
    }
}
