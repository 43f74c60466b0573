using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Roster.Features.Accounts;
using Roster.Infrastructure.Data;
using Roster.Infrastructure.Email;
using Roster.Infrastructure.Errors;
using Roster.Infrastructure.Security;
using Roster.Infrastructure.Text;
using Roster.Infrastructure.Web;

namespace Roster.Features.AccountSettings;

public static class AccountSettingsErrors
{
    public static readonly Error WrongPassword = Error.Validation("currentPassword", "That is not your current password.");

    public static readonly Error LockedOut = Error.Validation("currentPassword", "Too many wrong passwords. Try again in a few minutes.");

    /// <summary>The link is unknown, replaced, cancelled or expired, or the address was taken meanwhile: one answer for all.</summary>
    public static readonly Error LinkInvalid = new("email_change.link_invalid", "This link no longer works. Ask for a new one in your account settings.", ErrorKind.Gone);
}

/// <summary>A pending email change as the profile page shows it.</summary>
public sealed record PendingEmailChange(string NewEmail, DateTimeOffset RequestedAt, DateTimeOffset ExpiresAt);

/// <summary>
/// The person's own account settings: name, email change (verified at the NEW address before anything changes) and
/// password. Mail is sent after the change is committed, never inside it.
/// </summary>
public sealed class AccountSettingsService(RosterDbContext db, UserManager<User> users, OutgoingEmail outgoing, PublicUrls urls, TimeProvider time)
{
    /// <summary>Sets the display name (1 to 100 characters, storable text). Errors: <c>validation_failed</c> on <c>name</c>.</summary>
    public async Task<Result<User>> ChangeNameAsync(User user, string? name)
    {
        var text = (name ?? "").Trim();
        if (text.Length == 0 || StorableText.Length(text) > User.NameMaxLength || text.Any(char.IsControl) || StorableText.Problem(text) is not null)
        {
            return Error.Validation("name", $"Enter a name of 1 to {User.NameMaxLength} characters.");
        }

        user.Name = text;
        var result = await users.UpdateAsync(user);
        return result.Succeeded ? user : Error.Validation("name", "Your account changed meanwhile. Try again.");
    }

    /// <summary>
    /// Asks to change the account's email. Nothing about the account changes: a link (24 hours, single use, bound to
    /// this account and this address) goes to the NEW address, and the old one is told a change was requested. An
    /// address that already has an account answers exactly as a free one (no oracle): its owner is told by email that
    /// someone tried, and no link is sent, so no change is possible. Errors: <c>validation_failed</c> on
    /// <c>newEmail</c> (not an address mail can reach: MimeKit's parser; or the current one) or <c>currentPassword</c>
    /// (required when the account has a password; wrong ones count towards the lockout).
    /// </summary>
    public async Task<Result<PendingEmailChange>> RequestEmailChangeAsync(User user, string? newEmail, string? currentPassword, CancellationToken cancellationToken)
    {
        var email = EmailAddresses.Parse(newEmail);
        if (email is null)
        {
            return Error.Validation("newEmail", EmailAddresses.Message);
        }

        if (string.Equals(users.NormalizeEmail(email), user.NormalizedEmail, StringComparison.Ordinal))
        {
            return Error.Validation("newEmail", "That is already your address.");
        }

        if (await CheckCurrentPasswordAsync(user, currentPassword) is { } refused)
        {
            return refused;
        }

        var token = SecretToken.Create();
        var change = await SaveChangeAsync(user.Id, email, SecretToken.Hash(token), cancellationToken);
        await SendLinkAsync(user, email, token, cancellationToken);
        await SendAsync(user.Email!, "A change of your Roster email address was requested",
            $"Someone signed in to your Roster account asked to change its email address to {email}. Nothing changes until that address confirms. If it was not you, change your password now.",
            urls.Absolute("/account/password"), "Change your password", cancellationToken);
        return change;
    }

    /// <summary>How long after a link was sent another may be asked for, so that Resend cannot flood the new address.</summary>
    public static readonly TimeSpan ResendInterval = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Sends a new link for the pending change (the old link stops working). Errors: 404 <c>email_change.none_pending</c>,
    /// 409 <c>email_change.too_soon</c> (a link was sent less than <see cref="ResendInterval"/> ago).
    /// </summary>
    public async Task<Result<PendingEmailChange>> ResendEmailChangeAsync(User user, CancellationToken cancellationToken)
    {
        if (await FindPendingAsync(user.Id, cancellationToken) is not { } pending)
        {
            return new Error("email_change.none_pending", "No email change is waiting.", ErrorKind.NotFound);
        }

        if (time.GetUtcNow() - pending.RequestedAt < ResendInterval)
        {
            return new Error("email_change.too_soon", "A link was sent less than a minute ago. Check that inbox, or ask again in a minute.", ErrorKind.Conflict);
        }

        var token = SecretToken.Create();
        var change = await SaveChangeAsync(user.Id, pending.NewEmail, SecretToken.Hash(token), cancellationToken);
        await SendLinkAsync(user, pending.NewEmail, token, cancellationToken);
        return change;
    }

    /// <summary>Cancels the pending change: its link stops working at once.</summary>
    public Task CancelEmailChangeAsync(Guid userId, CancellationToken cancellationToken) =>
        db.EmailChanges.Where(c => c.UserId == userId).ExecuteDeleteAsync(cancellationToken);

    /// <summary>The account's pending change, if one is waiting and its link still works.</summary>
    public async Task<PendingEmailChange?> FindPendingAsync(Guid userId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNowForStorage();
        return await db.EmailChanges.AsNoTracking()
            .Where(c => c.UserId == userId && c.ExpiresAt > now)
            .Select(c => new PendingEmailChange(c.NewEmail, c.RequestedAt, c.ExpiresAt))
            .SingleOrDefaultAsync(cancellationToken);
    }

    /// <summary>The change a link's token belongs to, if it still works (for the confirmation page, which changes nothing).</summary>
    public async Task<PendingEmailChange?> FindByTokenAsync(string? token, CancellationToken cancellationToken)
    {
        if (!SecretToken.HasValidShape(token))
        {
            return null;
        }

        var hash = SecretToken.Hash(token!);
        var now = time.GetUtcNowForStorage();
        return await db.EmailChanges.AsNoTracking()
            .Where(c => c.TokenHash == hash && c.ExpiresAt > now)
            .Select(c => new PendingEmailChange(c.NewEmail, c.RequestedAt, c.ExpiresAt))
            .SingleOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// Confirms a change from its link (a POST: a mail scanner's GET confirms nothing), in one transaction: the email
    /// and the user name (Roster signs in by email) become the new address, which stays verified (it just proved it
    /// receives mail), the security stamp rotates (every other session and bearer token of the account ends), and the
    /// pending change is consumed. The old address is then told. Errors: 410 <c>email_change.link_invalid</c> (unknown,
    /// replaced, cancelled or expired link, or the address took an account meanwhile: one answer).
    /// Only the account that asked can confirm (<paramref name="signedInUserId"/>, the person signed in where the link is
    /// opened): a link sent to someone else's address by a stranger moving their own account there, clicked by that
    /// address's owner, changes nothing (the owner would otherwise lend their address, verified, to the stranger's account).
    /// /// </summary>
    public async Task<Result<User>> ConfirmEmailChangeAsync(string? token, Guid signedInUserId, CancellationToken cancellationToken)
    {
        if (!SecretToken.HasValidShape(token))
        {
            return AccountSettingsErrors.LinkInvalid;
        }

        var hash = SecretToken.Hash(token!);
        var now = time.GetUtcNowForStorage();
        string oldEmail;
        User? user;
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            // Consumed first, by a conditional delete: of two confirmations at once, one deletes the row and goes on.
            var change = await db.EmailChanges.AsNoTracking().SingleOrDefaultAsync(c => c.TokenHash == hash && c.UserId == signedInUserId && c.ExpiresAt > now, cancellationToken);
            if (change is null
                || await db.EmailChanges.Where(c => c.TokenHash == hash).ExecuteDeleteAsync(cancellationToken) != 1
                || (user = await users.FindByIdAsync(change.UserId.ToString())) is null
                || user.DisabledAt is not null)
            {
                return AccountSettingsErrors.LinkInvalid;
            }

            if (await users.FindByEmailAsync(change.NewEmail) is not null)
            {
                // Taken since the request (it had no account then, or no link would have been sent): nothing changes.
                await transaction.CommitAsync(cancellationToken);
                return AccountSettingsErrors.LinkInvalid;
            }

            oldEmail = user.Email!;
            user.Email = change.NewEmail;
            user.UserName = change.NewEmail;
            user.EmailConfirmed = true;
            await users.UpdateNormalizedEmailAsync(user);
            await users.UpdateNormalizedUserNameAsync(user);
            IdentityResult updated;
            try
            {
                // Rotates the stamp and saves (Identity's validators check the address is free; the unique user name
                // index refuses a concurrent twin).
                updated = await users.UpdateSecurityStampAsync(user);
            }
            catch (DbUpdateException exception) when (ConcurrencyConflicts.IsConflict(exception))
            {
                // A concurrent twin took the address (the unique user name index); any other failure is a fault.
                updated = IdentityResult.Failed();
            }

            if (!updated.Succeeded)
            {
                return AccountSettingsErrors.LinkInvalid;
            }

            await transaction.CommitAsync(cancellationToken);
        }

        await SendAsync(oldEmail, "Your Roster email address was changed",
            $"The email address of your Roster account was changed to {user.Email}. You now sign in with that address. If it was not you, reset your password from the new address or contact your administrator.",
            urls.Absolute("/login"), "Sign in", cancellationToken);
        return user;
    }

    /// <summary>
    /// Changes the password: the current one (wrong ones count towards the lockout), the new one checked by the same
    /// validators as sign-up (NIST SP 800-63B: at least 8 characters, no composition rules, common passwords refused).
    /// Identity rotates the security stamp, which ends every other session and bearer token at their next request; the
    /// caller re-issues its own cookie. Errors: <c>validation_failed</c> on <c>currentPassword</c> or <c>newPassword</c>.
    /// </summary>
    public async Task<Result<User>> ChangePasswordAsync(User user, string? currentPassword, string? newPassword)
    {
        if (await CheckCurrentPasswordAsync(user, currentPassword) is { } refused)
        {
            return refused;
        }

        var result = await users.ChangePasswordAsync(user, currentPassword!, newPassword ?? "");
        return result.Succeeded
            ? user
            : Error.Validation("newPassword", string.Join(" ", result.Errors.Select(e => e.Description)));
    }

    private async Task<Error?> CheckCurrentPasswordAsync(User user, string? currentPassword)
    {
        if (!await users.HasPasswordAsync(user))
        {
            return null;
        }

        if (await users.IsLockedOutAsync(user))
        {
            return AccountSettingsErrors.LockedOut;
        }

        if (string.IsNullOrEmpty(currentPassword) || !await users.CheckPasswordAsync(user, currentPassword))
        {
            await users.AccessFailedAsync(user);
            return await users.IsLockedOutAsync(user) ? AccountSettingsErrors.LockedOut : AccountSettingsErrors.WrongPassword;
        }

        await users.ResetAccessFailedCountAsync(user);
        return null;
    }

    /// <summary>Writes the account's one pending change (a new one replaces it), retrying once when a twin request inserted it first.</summary>
    private async Task<PendingEmailChange> SaveChangeAsync(Guid userId, string email, string tokenHash, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNowForStorage();
        for (var attempt = 0; ; attempt++)
        {
            var change = await db.EmailChanges.SingleOrDefaultAsync(c => c.UserId == userId, cancellationToken);
            if (change is null)
            {
                change = new EmailChange(userId, email, tokenHash, now);
                db.Add(change);
            }
            else
            {
                change.Renew(email, tokenHash, now);
            }

            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return new PendingEmailChange(change.NewEmail, change.RequestedAt, change.ExpiresAt);
            }
            catch (DbUpdateException) when (attempt == 0)
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>The link to a free address; to a taken one, a notice to its owner instead (no link: no change possible).</summary>
    private async Task SendLinkAsync(User user, string email, string token, CancellationToken cancellationToken)
    {
        if (await users.FindByEmailAsync(email) is { } owner && owner.Id != user.Id)
        {
            await SendAsync(email, "Someone tried to move a Roster account to your address",
                "Someone asked to change the email address of their Roster account to this address, which already has a Roster account. Nothing was changed. If it was you, sign in with this address:",
                urls.Absolute("/login"), "Sign in", cancellationToken);
            return;
        }

        await SendAsync(email, "Confirm your new email address for Roster",
            $"Someone asked to make this the email address of the Roster account now using {user.Email}. If it was you, confirm it here (the link works for 24 hours):",
            urls.Absolute($"/account/email-change?token={token}"), "Confirm new address", cancellationToken);
    }

    // Queued for the background sender, after the change is saved: a slow or refusing mail server never fails a change
    // that was made, and the answer's time says nothing about which mail went out.
    private Task SendAsync(string to, string subject, string text, string link, string action, CancellationToken cancellationToken)
    {
        _ = cancellationToken;
        var html = $"<p>{HtmlEncoder.Default.Encode(text)}</p><p><a href=\"{HtmlEncoder.Default.Encode(link)}\">{action}</a></p>";
        outgoing.Enqueue(new EmailMessage(to, subject, $"{text}\n\n{link}\n", html));
        return Task.CompletedTask;
    }
}
