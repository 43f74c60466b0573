using Microsoft.AspNetCore.Identity;
using Roster.Features.Audit;
using Roster.Features.Sessions;
using Roster.Infrastructure.Authorization;
using Roster.Infrastructure.Data;
using Roster.Infrastructure.Errors;

namespace Roster.Features.Accounts;

/// <summary>An account after <c>users disable</c> or <c>users enable</c>: <see cref="Changed"/> is false when it already was so.</summary>
public sealed record AccountStatusChange(Guid UserId, string Email, DateTimeOffset? DisabledAt, bool Changed);

/// <summary>
/// Disables and enables accounts (the operator's <c>users disable</c> and <c>users enable</c>). A disabled account
/// cannot sign in (<see cref="RosterSignInManager"/>) and the sessions, bearer tokens and refresh tokens it holds are
/// refused on their next request. Each change and its audit entry (<c>account.disabled</c>, <c>account.enabled</c>,
/// recorded on the account) are written in one save.
/// </summary>
public sealed class AccountStatusService(UserManager<User> users, RosterDbContext db, AuditLog audit, TimeProvider time, SessionService sessions)
{
    // A sign-in attempt elsewhere changes the row's concurrency stamp too; an account under attack (the one an
    // operator most wants to disable) may see several, so the change is tried again on a fresh read.
    private const int Attempts = 5;

    /// <summary>
    /// Disables the account with that email (UTC time in <see cref="User.DisabledAt"/>) and gives it a new security
    /// stamp, which every session cookie, bearer token and refresh token is checked against.
    /// Errors: 404 <c>account.not_found</c>; 409 <c>account.update_failed</c> when the account kept changing meanwhile.
    /// </summary>
    public Task<Result<AccountStatusChange>> DisableAsync(Actor actor, string email, CancellationToken cancellationToken) =>
        ChangeAsync(actor, email, disable: true, cancellationToken);

    /// <summary>
    /// Enables the account with that email again: it can sign in (sessions ended by the disabling stay ended).
    /// Errors: 404 <c>account.not_found</c>; 409 <c>account.update_failed</c> when the account kept changing meanwhile.
    /// </summary>
    public Task<Result<AccountStatusChange>> EnableAsync(Actor actor, string email, CancellationToken cancellationToken) =>
        ChangeAsync(actor, email, disable: false, cancellationToken);

    private async Task<Result<AccountStatusChange>> ChangeAsync(Actor actor, string email, bool disable, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var user = await users.FindByEmailAsync(email.Trim());
            if (user is null)
            {
                return AccountErrors.NotFound(email.Trim());
            }

            if ((user.DisabledAt is not null) == disable)
            {
                return new AccountStatusChange(user.Id, user.Email!, user.DisabledAt, Changed: false);
            }

            user.DisabledAt = disable ? time.GetUtcNowForStorage() : null;
            var entry = audit.Add(actor, workspaceId: null, disable ? AuditActions.AccountDisabled : AuditActions.AccountEnabled, Target(user), accountId: user.Id);
            var saved = disable ? await users.UpdateSecurityStampAsync(user) : await users.UpdateAsync(user);
            if (saved.Succeeded)
            {
                if (disable)
                {
                    // The new stamp already refuses them; ended rows keep the sessions list true once the account is enabled.
                    await sessions.EndAllAsync(user.Id, exceptSessionId: null, SessionEndReason.Disabled, cancellationToken);
                }

                return new AccountStatusChange(user.Id, user.Email!, user.DisabledAt, Changed: true);
            }

            // Not written: the entry goes with the change. The store has read the user again (RosterUserStore).
            db.Entry(entry).State = Microsoft.EntityFrameworkCore.EntityState.Detached;
            var lostRace = saved.Errors.Any(error => error.Code == nameof(IdentityErrorDescriber.ConcurrencyFailure));
            if (!lostRace || attempt == Attempts)
            {
                return UpdateFailed(saved);
            }
        }
    }

    private static AuditTarget Target(User user) => new("account", user.Id.ToString(), user.Email);

    private static Error UpdateFailed(IdentityResult result) => new(
        "account.update_failed",
        $"The account could not be saved ({string.Join(" ", result.Errors.Select(e => e.Description))}). Try again.",
        ErrorKind.Conflict);
}
