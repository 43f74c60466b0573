using Roster.Infrastructure.Errors;

namespace Roster.Features.Accounts;

public static class AccountErrors
{
    /// <summary>
    /// 403: the account is disabled by the operator. Told only to someone who gave the account's right password
    /// (<see cref="RosterSignInManager"/>), so it reveals nothing to a guesser.
    /// </summary>
    public static readonly Error Disabled = new(
        "auth.account_disabled",
        "This account is disabled. Ask the people who run this Roster server to enable it again.",
        ErrorKind.Forbidden);

    /// <summary>404: no account has that email address (the operator's command line).</summary>
    public static Error NotFound(string email) => new("account.not_found", $"No account has the email address {email}.", ErrorKind.NotFound);
}
