using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Roster.Features.Sessions;
using Roster.Infrastructure.Authorization;
using Roster.Infrastructure.Data;
using Roster.Infrastructure.Errors;

namespace Roster.Features.Accounts;

/// <summary>The outcome of a sign-up: the new account, or null when the address already had one (its owner was told by email).</summary>
public sealed record Registration(User? Created);

/// <summary>A confirmed address: the account, and whether this was its first proof (<see cref="AddressProof"/>).</summary>
public sealed record ConfirmedEmail(User User, bool FirstProof);

/// <summary>
/// The account rules, one set for the pages (<c>/login</c>, <c>/signup</c>, <c>/forgot-password</c>,
/// <c>/reset-password</c>, <c>/confirm-email</c>) and the API (<c>/api/v1/auth/*</c>, <see cref="AuthApi"/>), so neither
/// can drift from the other (issue 7 item 6). Every rule here reveals nothing about whether an account exists (SPEC
/// section 2; OWASP ASVS 4.0 V2.2 and V3.2; NIST SP 800-63B section 5.2.2 for the lockout): the same answer and the same
/// work whatever the account's state, email sent after the change is saved (<see cref="AccountEmails"/> queues it), and
/// addresses checked once by the mail library's rule (<see cref="EmailAddresses"/>). Rate limits are the callers'
/// (<c>RateLimits.Credentials</c> per address and the per-account limiter, on both doors).
/// </summary>
public sealed class AccountService(
    UserManager<User> users,
    SignInManager<User> signInManager,
    RosterDbContext db,
    AccountEmails emails,
    AddressProof proof,
    PasswordWork passwordWork,
    SessionService sessions,
    Roster.Features.Audit.AuditLog audit)
{
    /// <summary>The one answer to every failed sign-in (wrong password, unknown account, locked out, disabled).</summary>
    public static readonly Error SignInFailed = new(
        "auth.failed",
        "Email or password is incorrect, or the account is locked for a few minutes after too many attempts.",
        ErrorKind.Validation);

    /// <summary>The one answer to a reset whose email, code or account does not match.</summary>
    public static readonly Error InvalidResetCode = new(
        "auth.invalid_reset_code", "This reset link is not valid or has expired. Ask for a new one.", ErrorKind.Validation);

    /// <summary>The one answer to a confirmation whose account or code does not match.</summary>
    public static readonly Error InvalidConfirmation = new(
        "auth.invalid_confirmation", "This verification link is not valid or has expired. Ask for a new one.", ErrorKind.Validation);

    /// <summary>
    /// Checks an email and password. The account when the password is right and the account may sign in; null for
    /// every failure, each costing one password check (<see cref="PasswordWork"/> for an unknown address; the sign-in
    /// manager for a locked-out account or one with no password). A wrong password counts towards the lockout (5 failures,
    /// 5 minutes); a disabled account with the right password fails like the rest, so it does not confirm a guessed
    /// password. Every check of an existing account is in its sign-in activity (<see cref="RosterSignInManager"/>); a failure
    /// for an unknown address is in the audit log with no account. <paramref name="clientAddress"/> is the client's IP address.
    /// The caller signs the account in with the scheme of its door.
    /// </summary>
    public async Task<User?> CheckPasswordAsync(string email, string password, string? clientAddress)
    {
        var user = EmailAddresses.IsLookup(email) ? await users.FindByEmailAsync(email.Trim()) : null;
        if (user is null)
        {
            passwordWork.SpendCheck(users.PasswordHasher, password);

            // Every authentication decision is logged (OWASP ASVS 4.0 V7.2.1), and a failure writes whether or not the
            // account exists. Neither the address typed (it may be a mistyped password) nor the password is recorded.
            await audit.WriteAsync(
                new Actor(null, null, clientAddress), workspaceId: null, Roster.Features.Audit.AuditActions.SignInFailed, target: null,
                CancellationToken.None, outcome: Roster.Features.Audit.AuditOutcome.Refused, reason: "account.unknown");
            Roster.Infrastructure.Telemetry.RosterMetrics.PasswordSignIn(Roster.Features.Audit.AuditActions.SignInFailed);
            return null;
        }

        var result = await signInManager.CheckPasswordSignInAsync(user, password, lockoutOnFailure: true);
        return result.Succeeded ? user : null;
    }

    /// <summary>
    /// Creates an account with a password, unverified, and sends its verification link (after the save). An address that
    /// already has an account, sequentially or by a concurrent sign-up that saved first (the unique index on the
    /// normalised user name, which is the email), gets the same answer after the same work, and its owner an email
    /// instead. Errors: <c>validation_failed</c> on <c>email</c> (not an address the mailer can send to), <c>password</c>
    /// (Identity's rules and the common-password list: NIST SP 800-63B section 5.1.1.2) or <c>name</c>.
    /// </summary>
    public async Task<Result<Registration>> RegisterAsync(string? email, string? password, string? name, string? invitationToken, CancellationToken cancellationToken)
    {
        var fields = new Dictionary<string, string[]>();
        if (!EmailAddresses.IsDeliverable(email))
        {
            fields["email"] = [EmailAddresses.Message];
        }

        if (string.IsNullOrEmpty(password))
        {
            fields["password"] = ["Choose a password."];
        }
        else
        {
            var passwordErrors = new List<string>();
            foreach (var validator in users.PasswordValidators)
            {
                var checkedPassword = await validator.ValidateAsync(users, new User(), password);
                passwordErrors.AddRange(checkedPassword.Errors.Select(error => error.Description));
            }

            if (passwordErrors.Count > 0)
            {
                fields["password"] = [.. passwordErrors];
            }
        }

        if (fields.Count > 0)
        {
            return Error.Validation(fields);
        }

        var address = email!.Trim();
        if (await users.FindByEmailAsync(address) is { } owner)
        {
            return await AlreadyRegisteredAsync(owner.Email!, password!);
        }

        var user = new User { UserName = address, Email = address, Name = name?.Trim() ?? "" };
        IdentityResult created;
        try
        {
            created = await users.CreateAsync(user, password!);
        }
        catch (DbUpdateException exception) when (ConcurrencyConflicts.IsConflict(exception))
        {
            // A concurrent sign-up of the same address saved first (the unique user-name index refused this row): the
            // answer is the sequential duplicate's. The refused row leaves the unit of work.
            db.Entry(user).State = EntityState.Detached;
            return await AlreadyRegisteredAsync(address, password: null);
        }

        if (!created.Succeeded)
        {
            if (created.Errors.Any(error => error.Code is nameof(IdentityErrorDescriber.DuplicateUserName) or nameof(IdentityErrorDescriber.DuplicateEmail)))
            {
                // The same race, lost between the lookup above and Identity's own check.
                return await AlreadyRegisteredAsync(address, password: null);
            }

            return Error.Validation(created.Errors.GroupBy(error => error.Code.StartsWith("Password", StringComparison.Ordinal) ? "password" : "email")
                .ToDictionary(group => group.Key, group => group.Select(error => error.Description).ToArray()));
        }

        await emails.SendVerificationAsync(user, invitationToken, cancellationToken);
        return new Registration(user);
    }

    /// <summary>
    /// Sends a reset link to the address if it has an account; the answer and its time are the same either way (the
    /// email is queued, not sent within the request). Errors: <c>validation_failed</c> on <c>email</c>.
    /// </summary>
    public async Task<Result<bool>> ForgotPasswordAsync(string? email, CancellationToken cancellationToken)
    {
        if (!EmailAddresses.IsLookup(email))
        {
            return Error.Validation("email", EmailAddresses.Message);
        }

        if (await users.FindByEmailAsync(email!.Trim()) is { } user)
        {
            await emails.SendPasswordResetAsync(user, cancellationToken);
        }

        return true;
    }

    /// <summary>
    /// Sends the verification link again if the address has an account that is not yet verified; the same answer
    /// otherwise. Errors: <c>validation_failed</c> on <c>email</c>.
    /// </summary>
    public async Task<Result<bool>> ResendConfirmationAsync(string? email, CancellationToken cancellationToken)
    {
        if (!EmailAddresses.IsLookup(email))
        {
            return Error.Validation("email", EmailAddresses.Message);
        }

        if (await users.FindByEmailAsync(email!.Trim()) is { EmailConfirmed: false } user)
        {
            await emails.SendVerificationAsync(user, invitationToken: null, cancellationToken);
        }

        return true;
    }

    /// <summary>
    /// Sets a new password with the code of a reset link. In one save: the password, the lockout cleared (the reset
    /// proves the person reads the mailbox), a new security stamp (every other session and token ends; the code cannot
    /// be used twice), and, when the address was not yet verified, its first proof (<see cref="AddressProof"/>: an
    /// unverified account is reset like any other, and the reset verifies it). Errors: <c>auth.invalid_reset_code</c>
    /// for an unknown address, a wrong or expired code (the same answer); <c>validation_failed</c> on
    /// <c>newPassword</c>.
    /// </summary>
    public async Task<Result<ConfirmedEmail>> ResetPasswordAsync(
        string? email, string? code, string? newPassword, string? clientAddress, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(newPassword))
        {
            return Error.Validation("newPassword", "Choose a new password.");
        }

        var user = EmailAddresses.IsLookup(email) ? await users.FindByEmailAsync(email!.Trim()) : null;
        var token = AccountEmails.Decode(code);
        if (user is null || token is null
            || !await users.VerifyUserTokenAsync(user, users.Options.Tokens.PasswordResetTokenProvider, UserManager<User>.ResetPasswordTokenPurpose, token))
        {
            return InvalidResetCode;
        }

        var passwordErrors = new List<string>();
        foreach (var validator in users.PasswordValidators)
        {
            passwordErrors.AddRange((await validator.ValidateAsync(users, user, newPassword)).Errors.Select(error => error.Description));
        }

        if (passwordErrors.Count > 0)
        {
            return Error.Validation("newPassword", string.Join(" ", passwordErrors));
        }

        // One transaction: the proof's ended sessions and tokens, and the new password, are written together or not at all.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var firstProof = await proof.StageAsync(user, ProofKind.PasswordReset, clientAddress, cancellationToken);
        user.PasswordHash = users.PasswordHasher.HashPassword(user, newPassword);
        user.SecurityStamp = Guid.NewGuid().ToString("N");
        user.AccessFailedCount = 0;
        user.LockoutEnd = null;
        var saved = await users.UpdateAsync(user);
        if (!saved.Succeeded)
        {
            // Another request changed the account meanwhile (RosterUserStore read it again): the code is still good.
            return new Error(ConcurrencyConflicts.Code, ConcurrencyConflicts.Title, ErrorKind.Conflict);
        }

        // The new stamp already refuses every session opened before; ending their rows keeps the sessions list true
        // (a first proof has ended them already).
        if (!firstProof)
        {
            await sessions.EndAllAsync(user.Id, exceptSessionId: null, SessionEndReason.Reset, CancellationToken.None);
        }

        await transaction.CommitAsync(CancellationToken.None);
        return new ConfirmedEmail(user, firstProof);
    }

    /// <summary>The answer to a first confirmation that must also show the account's password (<see cref="ConfirmEmailAsync"/>).</summary>
    public static readonly Error PasswordToConfirm = Error.Validation(
        "password", "Enter the password you chose when you signed up (after too many attempts the account is locked for a few minutes). If you did not sign up, reset the password instead.");

    /// <summary>
    /// Confirms an address with the code of its verification link (a POST: a GET confirms nothing). The first proof
    /// goes through <see cref="AddressProof"/> (sessions ended, logins added before it removed). Confirming a verified
    /// address again answers success and changes nothing.
    /// <para>
    /// The link proves the mailbox, not who chose the account's password: someone who signs up with another person's
    /// address (pre-hijacking) makes Roster send that person a verification link, and their click must not verify the
    /// stranger's password. So a first confirmation keeps the password only when the confirmer is known to hold it:
    /// <paramref name="signUpBrowser"/> (the browser that signed up: its cookie, <c>SignUpBrowser</c>), a
    /// <paramref name="caller"/> signed in to the account in a live session, or <paramref name="password"/> matching it (the API, or the page opened in another browser). A wrong password counts
    /// towards the lockout. Someone who never chose the password resets it instead, which proves the address too and
    /// replaces the stranger's password.
    /// </para>
    /// Errors: <c>auth.invalid_confirmation</c> for an unknown or malformed account id, a wrong or expired code (the
    /// same answer); <c>validation_failed</c> on <c>password</c> (<see cref="PasswordToConfirm"/>) when the password is
    /// needed and missing, wrong, or the account is locked out.
    /// </summary>
    public async Task<Result<ConfirmedEmail>> ConfirmEmailAsync(
        string? userId, string? code, ClaimsPrincipal caller, bool signUpBrowser, string? password, string? clientAddress,
        CancellationToken cancellationToken)
    {
        var user = Guid.TryParse(userId, out var id) ? await users.FindByIdAsync(id.ToString()) : null;
        var token = AccountEmails.Decode(code);
        if (user is null || token is null
            || !await users.VerifyUserTokenAsync(user, users.Options.Tokens.EmailConfirmationTokenProvider, UserManager<User>.ConfirmEmailTokenPurpose, token))
        {
            return InvalidConfirmation;
        }

        if (!user.EmailConfirmed && user.PasswordHash is not null && !signUpBrowser
            && !await IsSignedInToAsync(caller, user, cancellationToken) && !await HoldsPasswordAsync(user, password))
        {
            return PasswordToConfirm;
        }

        // One transaction: the proof's ended sessions and tokens, and the verified address, are written together or not at all.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var firstProof = await proof.StageAsync(user, ProofKind.ConfirmationLink, clientAddress, cancellationToken);
        if (firstProof && !(await users.UpdateAsync(user)).Succeeded)
        {
            return new Error(ConcurrencyConflicts.Code, ConcurrencyConflicts.Title, ErrorKind.Conflict);
        }

        await transaction.CommitAsync(CancellationToken.None);

        return new ConfirmedEmail(user, firstProof);
    }

    // Signed in to the account in a session that is still live: its password (or a proof of the address) was shown then.
    private async Task<bool> IsSignedInToAsync(ClaimsPrincipal caller, User user, CancellationToken cancellationToken) =>
        caller.FindUserId() == user.Id && caller.FindSessionId() is { Length: > 0 } sessionId
        && await sessions.IsLiveAsync(user.Id, sessionId, cancellationToken);

    // The account's password, checked as a sign-in checks it (a locked-out account refuses every password; a wrong one
    // counts towards the lockout), but not recorded as a sign-in: confirming signs nobody in by itself.
    private async Task<bool> HoldsPasswordAsync(User user, string? password)
    {
        if (string.IsNullOrEmpty(password) || password.Length > AuthApi.SecretMaxLength || await users.IsLockedOutAsync(user))
        {
            return false;
        }

        if (await users.CheckPasswordAsync(user, password))
        {
            return true;
        }

        await users.AccessFailedAsync(user);
        return false;
    }

    private async Task<Registration> AlreadyRegisteredAsync(string email, string? password)
    {
        // What creating the account would have cost (a password hash), so the time says nothing either.
        if (password is not null)
        {
            PasswordWork.SpendHash(users.PasswordHasher, password);
        }

        await emails.SendAlreadyRegisteredAsync(email, CancellationToken.None);
        return new Registration(null);
    }
}
