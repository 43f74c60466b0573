using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Roster.Features.Audit;
using Roster.Infrastructure.Authorization;

namespace Roster.Features.Accounts;

/// <summary>
/// Identity's sign-in manager, recording every password check of an account (SPEC section 7: sign-in success,
/// failure and lockout per account): <c>sign_in.succeeded</c>, <c>sign_in.failed</c> and <c>sign_in.locked_out</c>,
/// with the account's id, no workspace, and the client's address. The <c>/login</c> page and Identity's
/// <c>POST /api/v1/auth/login</c> both check the password here. An email that belongs to no account never gets
/// here, so nothing is recorded for it (there is no account to record it on). The password is never recorded.
/// </summary>
public sealed class AuditedSignInManager(
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
    public override async Task<SignInResult> CheckPasswordSignInAsync(User user, string password, bool lockoutOnFailure)
    {
        var result = await base.CheckPasswordSignInAsync(user, password, lockoutOnFailure);
        var (action, reason) =
            result.Succeeded ? (AuditActions.SignInSucceeded, null)
            : result.IsLockedOut ? (AuditActions.SignInLockedOut, "account.locked_out")
            : result.IsNotAllowed ? (AuditActions.SignInFailed, "account.not_allowed")
            : (AuditActions.SignInFailed, "account.wrong_password");
        var address = Context.Connection.RemoteIpAddress?.ToString();

        // A failed attempt is anyone's: only a success is known to be the account's owner.
        var actor = result.Succeeded ? Actor.ForUser(user.Id, address) : new Actor(null, null, address);

        // Recorded even when the client has gone: the attempt happened.
        await audit.WriteAsync(
            actor, workspaceId: null, action, target: null, CancellationToken.None,
            outcome: result.Succeeded ? AuditOutcome.Success : AuditOutcome.Refused, reason: reason, accountId: user.Id);
        return result;
    }
}
