using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Roster.Features.Audit;
using Roster.Features.Sessions;
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
/// address. A failure for an email that belongs to no account is recorded by <see cref="AccountService.CheckPasswordAsync"/>
/// (no account, reason <c>account.unknown</c>), so a failure writes for an unknown address too. (A known account's also
/// writes its lockout counter, in its own commit: wrapping both in one transaction would hold SQLite's write lock for the
/// whole password hash.) The password and the email typed are never recorded.</item>
/// <item>Every sign-in of every method (password, email code, external provider; cookie or bearer) starts a new
/// server-side session (<see cref="SessionService"/>) in <see cref="SignInWithClaimsAsync"/>, and its secret id goes into
/// the principal (claim <see cref="SessionClaims.SessionId"/>), so the cookie and both bearer tokens carry it. A session id
/// is never taken from the caller (no session fixation, OWASP ASVS V3.2.1). Sign-out ends the session.</item>
/// <item>Identity's refresh (and Roster's own) asks <see cref="ValidateSecurityStampAsync(ClaimsPrincipal)"/>: besides the
/// stamp, the session must be live and the account neither locked out nor disabled, so sign-out, lockout and disabling
/// end refresh tokens too; a refreshed principal keeps its session.</item>
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
    AuditLog audit,
    SessionService sessions)
    : SignInManager<User>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    // The session a refresh continues: set by ValidateSecurityStampAsync or RefreshSignInAsync, read by the next
    // CreateUserPrincipalAsync or SignInWithClaimsAsync for that user. The manager is scoped to one request.
    private (Guid UserId, string SessionId)? continuing;

    /// <summary>
    /// Signs the user in with a new server-side session: a session row (kind from <see cref="SignInManager{TUser}.AuthenticationScheme"/>,
    /// device from the User-Agent, the client's address) and its secret id as the <see cref="SessionClaims.SessionId"/> claim.
    /// Any session claim passed in is dropped: only <see cref="RefreshSignInAsync"/> keeps the current session.
    /// </summary>
    public override async Task SignInWithClaimsAsync(User user, AuthenticationProperties? authenticationProperties, IEnumerable<Claim> additionalClaims)
    {
        string sessionId;
        if (continuing is { } carried && carried.UserId == user.Id)
        {
            sessionId = carried.SessionId;
        }
        else
        {
            var kind = AuthenticationScheme == IdentityConstants.BearerScheme ? SessionKind.Bearer : SessionKind.Cookie;
            sessionId = await sessions.StartAsync(
                user.Id, kind, Context.Request.Headers.UserAgent.ToString(), Context.Connection.RemoteIpAddress?.ToString(), CancellationToken.None);
        }

        // CreateUserPrincipalAsync (called by the base) must not add a session claim of its own: this one is added below.
        continuing = null;
        var claims = additionalClaims.Where(claim => claim.Type != SessionClaims.SessionId).Append(new Claim(SessionClaims.SessionId, sessionId));
        await base.SignInWithClaimsAsync(user, authenticationProperties, claims);
    }

    /// <summary>
    /// Re-issues the cookie of the session the request is signed in with (after a profile or password change), keeping
    /// that session when it is live and the user's; otherwise it is a new sign-in with a new session.
    /// </summary>
    public override async Task RefreshSignInAsync(User user)
    {
        var current = await Context.AuthenticateAsync(AuthenticationScheme);
        if (current.Principal?.FindSessionId() is { } sessionId
            && current.Principal.FindUserId() == user.Id
            && await sessions.IsLiveAsync(user.Id, sessionId, CancellationToken.None))
        {
            continuing = (user.Id, sessionId);
        }

        await base.RefreshSignInAsync(user);
    }

    /// <summary>
    /// The user of a principal whose security stamp is current (Identity's check), whose session is live, and whose
    /// account is neither locked out nor disabled; otherwise null. Identity's <c>POST /api/v1/auth/refresh</c> refuses a
    /// refresh token on null, so signing out, ending the session, five wrong passwords and <c>users disable</c> end it.
    /// The principal built next for this user (<see cref="CreateUserPrincipalAsync"/>) carries the same session.
    /// </summary>
    public override async Task<User?> ValidateSecurityStampAsync(ClaimsPrincipal? principal)
    {
        var user = await base.ValidateSecurityStampAsync(principal);
        if (user is null
            || user.DisabledAt is not null
            || await UserManager.IsLockedOutAsync(user)
            || principal!.FindSessionId() is not { Length: > 0 } sessionId
            || !await sessions.IsLiveAsync(user.Id, sessionId, CancellationToken.None))
        {
            return null;
        }

        continuing = (user.Id, sessionId);
        return user;
    }

    /// <summary>
    /// Identity's principal for the user; after <see cref="ValidateSecurityStampAsync(ClaimsPrincipal)"/> it also carries
    /// the validated session's claim, so the tokens a refresh issues stay in that session (and end with it).
    /// </summary>
    public override async Task<ClaimsPrincipal> CreateUserPrincipalAsync(User user)
    {
        var principal = await base.CreateUserPrincipalAsync(user);
        if (continuing is { } carried && carried.UserId == user.Id && principal.Identity is ClaimsIdentity identity)
        {
            identity.AddClaim(new Claim(SessionClaims.SessionId, carried.SessionId));
        }

        return principal;
    }

    /// <summary>Ends the request's own session (when it carries one) and signs out of Identity's cookies.</summary>
    public override async Task SignOutAsync()
    {
        if (Context.User.FindUserId() is { } userId && Context.User.FindSessionId() is { Length: > 0 } sessionId)
        {
            // Ended even when the client has gone: the person asked to sign out.
            await sessions.EndAsync(userId, sessionId, SessionEndReason.SignedOut, CancellationToken.None);
        }

        await base.SignOutAsync();
    }

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
        Roster.Infrastructure.Telemetry.RosterMetrics.PasswordSignIn(action);
        return disabled ? SignInResult.NotAllowed : result;
    }
}
