using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Roster.Features.Audit;
using Roster.Infrastructure.Authorization;

namespace Roster.Features.Accounts;

/// <summary>
/// Identity's sign-in manager with two of Roster's rules, on every password sign-in (the <c>/login</c> and sign-up
/// pages and <c>POST /api/v1/auth/login</c> all end in <see cref="CheckPasswordSignInAsync"/>):
/// <list type="bullet">
/// <item>A disabled account (<see cref="User.DisabledAt"/>, set by the operator's <c>users disable</c>) cannot sign in.
/// The answer is <see cref="SignInResult.NotAllowed"/>; the pages and the API answer it as every other failure
/// (<see cref="AccountService.SignInWithPasswordAsync"/>), so it does not confirm a guessed password either.</item>
/// <item>Every check costs the same time, whatever the account's state (<see cref="PasswordWork"/>).</item>
/// <item>Every check of an account's password is recorded on the account (SPEC section 7: sign-in success, failure
/// and lockout per account): <c>sign_in.succeeded</c>, <c>sign_in.failed</c> (reason <c>account.wrong_password</c>
/// or <c>auth.account_disabled</c>) and <c>sign_in.locked_out</c>, with the account's id, no workspace, and the client's
/// address. An email that belongs to no account never gets here, so nothing is recorded for it. The password is
/// never recorded.</item>
/// </list>
/// </summary>
/// <remarks>
/// The disabled rule is applied after the password check, not in <c>CanSignInAsync</c> (which Identity asks before
/// it): only someone who knows the password learns that the account is disabled, and wrong passwords still count
/// towards the lockout. Sessions and tokens that a disabled account already holds are refused by the security-stamp
/// check on every request (<c>WorkspaceAccess</c>), which also covers any sign-in path that skips the password.
/// </remarks>
public sealed class RosterSignInManager(
    UserManager<User> userManager,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<User> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<User>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<User> confirmation,
    AuditLog audit)
    : SignInManager<User>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    /// <summary>
    /// Identity's password check; a disabled account with the right password gets <see cref="SignInResult.NotAllowed"/>.
    /// The outcome is written to the account's sign-in activity before it is returned.
    /// </summary>
    public override async Task<SignInResult> CheckPasswordSignInAsync(User user, string password, bool lockoutOnFailure)
    {
        // Identity answers a locked-out account, and one with no password, without hashing anything: the quick answer
        // would tell a guesser the account exists (and is locked). The same work is spent on those paths.
        if (user.PasswordHash is null || await UserManager.IsLockedOutAsync(user))
        {
            Context.RequestServices.GetRequiredService<PasswordWork>().SpendCheck(UserManager.PasswordHasher, password);
        }

        var result = await base.CheckPasswordSignInAsync(user, password, lockoutOnFailure);
        var disabled = result.Succeeded && user.DisabledAt is not null;
        var (action, reason) =
            disabled ? (AuditActions.SignInFailed, "auth.account_disabled")
            : result.Succeeded ? (AuditActions.SignInSucceeded, null)
            : result.IsLockedOut ? (AuditActions.SignInLockedOut, "account.locked_out")
            : (AuditActions.SignInFailed, "account.wrong_password");
        var address = Context.Connection.RemoteIpAddress?.ToString();

        // A failed attempt is anyone's: only a success is known to be the account's owner.
        var succeeded = result.Succeeded && !disabled;
        var actor = succeeded ? Actor.ForUser(user.Id, address) : new Actor(null, null, address);

        // Recorded even when the client has gone: the attempt happened.
        await audit.WriteAsync(
            actor, workspaceId: null, action, target: null, CancellationToken.None,
            outcome: succeeded ? AuditOutcome.Success : AuditOutcome.Refused, reason: reason, accountId: user.Id);
        return disabled ? SignInResult.NotAllowed : result;
    }
}
