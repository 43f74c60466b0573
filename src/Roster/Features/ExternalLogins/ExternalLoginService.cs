using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Roster.Features.Accounts;
using Roster.Infrastructure.Data;
using Roster.Infrastructure.Errors;
using Roster.Infrastructure.Text;

namespace Roster.Features.ExternalLogins;

/// <summary>Who a provider says the person is, read from the external cookie the OpenID Connect handler wrote.</summary>
/// <param name="ProviderKey">The configuration key of the provider that was challenged.</param>
/// <param name="Issuer">The validated id token's <c>iss</c>.</param>
/// <param name="Subject">The id token's <c>sub</c>.</param>
/// <param name="Email">
/// The <c>email</c> claim, trimmed, when it passes the address rule (<see cref="EmailAddresses"/>); null when the claim is
/// absent or refused: a provider's address is checked at this edge like a typed one, and one it cannot pass is no address.
/// </param>
/// <param name="EmailVerified">Whether the provider asserted <c>email_verified</c> true for <paramref name="Email"/> (false when it is null).</param>
/// <param name="Name">The <c>name</c> claim, or null.</param>
/// <param name="EmailRefused">The provider gave an <c>email</c> claim that the address rule refused.</param>
public sealed record ExternalIdentity(string ProviderKey, string Issuer, string Subject, string? Email, bool EmailVerified, string? Name, bool EmailRefused = false)
{
    /// <summary>
    /// The identity in an external sign-in's ticket, or null when the ticket lacks the provider, the issuer or the subject,
    /// or they are longer than Roster stores (a provider Roster cannot key an identity on).
    /// </summary>
    public static ExternalIdentity? From(ClaimsPrincipal principal, AuthenticationProperties properties)
    {
        var provider = properties.GetString(ExternalLoginItems.Provider);
        var issuer = properties.GetString(OpenIdConnectRegistration.IssuerItem);
        var subject = principal.FindFirst(ExternalClaims.Subject)?.Value;
        if (string.IsNullOrEmpty(provider) || string.IsNullOrEmpty(issuer) || string.IsNullOrEmpty(subject)
            || StorableText.Problem(issuer, ExternalLogin.IssuerMaxLength) is not null
            || StorableText.Problem(subject, ExternalLogin.SubjectMaxLength) is not null)
        {
            return null;
        }

        var claimed = principal.FindFirst(ExternalClaims.Email)?.Value;
        var email = EmailAddresses.Parse(claimed);
        var refused = email is null && !string.IsNullOrWhiteSpace(claimed);
        var verified = email is not null && bool.TryParse(principal.FindFirst(ExternalClaims.EmailVerified)?.Value, out var value) && value;
        return new ExternalIdentity(provider, issuer, subject, email, verified, principal.FindFirst(ExternalClaims.Name)?.Value, refused);
    }
}

/// <summary>What signing in with a provider's identity comes to (<see cref="ExternalLoginService.SignInAsync"/>).</summary>
public enum ExternalSignInOutcome
{
    /// <summary>The identity was linked already: sign in that account.</summary>
    Known,

    /// <summary>The provider asserted the verified email of an account whose email is verified: linked now, sign in.</summary>
    Attached,

    /// <summary>No account had the email: one was created with the identity linked, sign in.</summary>
    Created,

    /// <summary>An account has the email, but the provider or the account has not verified it: nothing changed; the
    /// person signs in the usual way and links the provider from account settings.</summary>
    LinkFromSettings,

    /// <summary>
    /// The provider did not assert <c>email_verified</c> for the address it gave: nothing looked up, nothing changed; the
    /// person signs in (or up) another way and links the provider from account settings.
    /// </summary>
    UnverifiedEmail,

    /// <summary>The provider shared no email address (Roster's accounts are email addresses): nothing changed.</summary>
    NoEmail,

    /// <summary>The provider's email address is not one Roster can store or send to: nothing changed.</summary>
    InvalidEmail,

    /// <summary>The account is disabled: not signed in.</summary>
    Disabled,

    /// <summary>The account is locked out after failed password attempts: not signed in until the lockout ends.</summary>
    LockedOut,
}

/// <summary>The outcome of a sign-in with a provider, and the account to sign in when there is one.</summary>
public sealed record ExternalSignIn(ExternalSignInOutcome Outcome, User? User)
{
    public bool SignsIn => Outcome is ExternalSignInOutcome.Known or ExternalSignInOutcome.Attached or ExternalSignInOutcome.Created;
}

/// <summary>What linking a provider's identity to a signed-in account comes to (<see cref="ExternalLoginService.LinkAsync"/>).</summary>
public enum ExternalLinkOutcome
{
    Linked,

    /// <summary>
    /// Linked, and the provider's <c>email_verified</c> proved the account's address for the first time: every earlier
    /// session ended (<see cref="Roster.Features.Accounts.AddressProof"/>), so the caller signs the person in afresh.
    /// </summary>
    LinkedAndProven,
    AlreadyLinked,

    /// <summary>The identity belongs to another account: refused (one identity, one account).</summary>
    LinkedToAnotherAccount,
}

/// <summary>What removing a sign-in method comes to (<see cref="ExternalLoginService.UnlinkAsync"/>).</summary>
public enum ExternalUnlinkOutcome
{
    Unlinked,

    /// <summary>No such identity on this account (another account's, or gone already).</summary>
    NotFound,

    /// <summary>It is the account's last way to sign in: kept.</summary>
    LastSignInMethod,
}

/// <summary>A linked identity as account settings show it.</summary>
public sealed record LinkedIdentity(Guid Id, string ProviderKey, string ProviderName, DateTimeOffset LinkedAt);

/// <summary>The ways an account can sign in (account settings, Sign-in methods).</summary>
/// <param name="HasPassword">A password is set.</param>
/// <param name="EmailCode">Continue with email works: the account's email is verified.</param>
public sealed record SignInMethods(bool HasPassword, bool EmailCode, IReadOnlyList<LinkedIdentity> Identities)
{
    public int Count => (HasPassword ? 1 : 0) + (EmailCode ? 1 : 0) + Identities.Count;
}

/// <summary>
/// Sign-in with OpenID Connect providers (issue 7, item 2): identities keyed by (issuer, subject), the rule for attaching
/// one to an existing account by email, accounts created by a first sign-in, and linking and unlinking from account
/// settings, never the last sign-in method.
/// </summary>
/// <remarks>
/// The attach rule: an identity attaches to the account with its email only when the provider asserts
/// <c>email_verified</c> and the account's email is verified. Otherwise anyone who can make a provider assert an
/// address (an unverified one, or one registered at Roster by someone who never proved it) would take over, or plant
/// a sign-in method in, that account (account pre-hijacking; OWASP ASVS 5.0, V6.8 / V2.5).
/// </remarks>
public sealed class ExternalLoginService(RosterDbContext db, UserManager<User> users, OpenIdConnectProviders providers, TimeProvider time, AddressProof proof)
{
    /// <summary>
    /// Resolves the identity to an account: the linked one; else, only when the provider asserts <c>email_verified</c>,
    /// the account with that email when its email is verified too (linked now), or a new account with a verified email
    /// (name from the claims), linked. An unverified address from the provider opens and creates nothing. A disabled or locked-out account is not signed into.
    /// One transaction: a concurrent callback for the same identity or email meets the unique keys and is resolved again.
    /// </summary>
    public async Task<ExternalSignIn> SignInAsync(ExternalIdentity identity, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await TrySignInAsync(identity, cancellationToken);
            }
            catch (Exception exception) when (attempt == 0 && ConcurrencyConflicts.IsConflict(exception))
            {
                // Another request created the account or linked the identity between our read and our insert: what
                // exists now decides, as if the requests had come one after the other.
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task<ExternalSignIn> TrySignInAsync(ExternalIdentity identity, CancellationToken cancellationToken)
    {
        var linked = await FindLinkedUserAsync(identity, cancellationToken);
        if (linked is not null)
        {
            return await AllowedAsync(linked, ExternalSignInOutcome.Known);
        }

        if (identity.Email is null)
        {
            // An address the rule refuses is no address: nothing is looked up, created or linked by it, and the person
            // is told what an unverified one gets (it cannot be used to sign in or up; link the provider from settings).
            return new ExternalSignIn(identity.EmailRefused ? ExternalSignInOutcome.UnverifiedEmail : ExternalSignInOutcome.NoEmail, null);
        }

        // An address the provider does not vouch for is nobody's proof: it neither opens nor creates an account, and the
        // answer is the same whether an account has it or not (no account is revealed, and nobody can sign up with
        // someone else's address through a provider that lets anyone claim any address).
        if (!identity.EmailVerified)
        {
            return new ExternalSignIn(ExternalSignInOutcome.UnverifiedEmail, null);
        }

        var existing = await users.FindByEmailAsync(identity.Email);
        if (existing is not null)
        {
            if (!existing.EmailConfirmed)
            {
                return new ExternalSignIn(ExternalSignInOutcome.LinkFromSettings, null);
            }

            var allowed = await AllowedAsync(existing, ExternalSignInOutcome.Attached);
            if (allowed.SignsIn)
            {
                db.Add(new ExternalLogin(existing.Id, identity.ProviderKey, identity.Issuer, identity.Subject, time.GetUtcNow()));
                await db.SaveChangesAsync(cancellationToken);
            }

            return allowed;
        }

        var user = new User
        {
            UserName = identity.Email,
            Email = identity.Email,
            EmailConfirmed = identity.EmailVerified,
            Name = NameFrom(identity.Name),
        };
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var created = await users.CreateAsync(user);
        if (!created.Succeeded)
        {
            if (created.Errors.Any(e => e.Code is nameof(IdentityErrorDescriber.DuplicateEmail) or nameof(IdentityErrorDescriber.DuplicateUserName)))
            {
                // Created meanwhile by another request: resolved again (SignInAsync retries on a conflict).
                throw new DbUpdateConcurrencyException("The account was created by a concurrent request.");
            }

            return new ExternalSignIn(ExternalSignInOutcome.InvalidEmail, null);
        }

        db.Add(new ExternalLogin(user.Id, identity.ProviderKey, identity.Issuer, identity.Subject, time.GetUtcNow()));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new ExternalSignIn(ExternalSignInOutcome.Created, user);
    }

    /// <summary>
    /// Links the identity to the signed-in account <paramref name="userId"/>. An identity linked to another account is
    /// refused. When the provider asserts <c>email_verified</c> for the account's own, unverified email, the address is
    /// proven now.
    /// </summary>
    public async Task<ExternalLinkOutcome> LinkAsync(Guid userId, ExternalIdentity identity, CancellationToken cancellationToken)
    {
        var owner = await db.ExternalLogins
            .Where(l => l.Issuer == identity.Issuer && l.Subject == identity.Subject)
            .Select(l => (Guid?)l.UserId)
            .SingleOrDefaultAsync(cancellationToken);
        if (owner is { } ownerId)
        {
            return ownerId == userId ? ExternalLinkOutcome.AlreadyLinked : ExternalLinkOutcome.LinkedToAnotherAccount;
        }

        var user = await users.FindByIdAsync(userId.ToString());
        if (user is null)
        {
            return ExternalLinkOutcome.LinkedToAnotherAccount;
        }

        // One transaction: the link and, when it proves the address, the proof's ended sessions and tokens.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var linked = new ExternalLogin(userId, identity.ProviderKey, identity.Issuer, identity.Subject, time.GetUtcNow());
        db.Add(linked);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (ConcurrencyConflicts.IsConflict(exception))
        {
            // The same identity linked by a concurrent request, to this account or another: the key refused ours.
            await transaction.RollbackAsync(CancellationToken.None);
            db.ChangeTracker.Clear();
            var now = await db.ExternalLogins
                .Where(l => l.Issuer == identity.Issuer && l.Subject == identity.Subject)
                .Select(l => (Guid?)l.UserId)
                .SingleOrDefaultAsync(cancellationToken);
            return now == userId ? ExternalLinkOutcome.AlreadyLinked : ExternalLinkOutcome.LinkedToAnotherAccount;
        }

        if (identity.EmailVerified && !user.EmailConfirmed
            && string.Equals(users.NormalizeEmail(identity.Email), user.NormalizedEmail, StringComparison.Ordinal))
        {
            var proven = await proof.ProveAsync(user, ProofKind.ExternalProvider, clientAddress: null, cancellationToken, keepExternalLoginId: linked.Id);
            if (!proven.Succeeded)
            {
                // The account changed meanwhile (its concurrency stamp): nothing is kept; the person sees "changed at the same time".
                throw new DbUpdateConcurrencyException("The account changed while the provider was linked.");
            }

            await transaction.CommitAsync(CancellationToken.None);
            return ExternalLinkOutcome.LinkedAndProven;
        }

        await transaction.CommitAsync(CancellationToken.None);
        return ExternalLinkOutcome.Linked;
    }

    /// <summary>
    /// Removes a linked identity from the account, unless it is the account's last way to sign in (no password, an
    /// unverified email, and no other identity). The account's row is locked first (an update of its concurrency stamp)
    /// so that two removals at once are counted one after the other, on PostgreSQL as on SQLite.
    /// </summary>
    public async Task<ExternalUnlinkOutcome> UnlinkAsync(Guid userId, Guid loginId, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var locked = await db.Users.Where(u => u.Id == userId)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.ConcurrencyStamp, Guid.NewGuid().ToString()), cancellationToken);
        if (locked == 0)
        {
            return ExternalUnlinkOutcome.NotFound;
        }

        var methods = await MethodsAsync(userId, cancellationToken);
        if (!methods.Identities.Any(i => i.Id == loginId))
        {
            return ExternalUnlinkOutcome.NotFound;
        }

        if (methods.Count <= 1)
        {
            return ExternalUnlinkOutcome.LastSignInMethod;
        }

        await db.ExternalLogins.Where(l => l.Id == loginId && l.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return ExternalUnlinkOutcome.Unlinked;
    }

    /// <summary>The account's sign-in methods: password, email code, and each linked identity (oldest first).</summary>
    public async Task<SignInMethods> MethodsAsync(Guid userId, CancellationToken cancellationToken)
    {
        var account = await db.Users.Where(u => u.Id == userId)
            .Select(u => new { HasPassword = u.PasswordHash != null, u.EmailConfirmed })
            .SingleAsync(cancellationToken);
        var logins = await db.ExternalLogins.Where(l => l.UserId == userId)
            .Select(l => new { l.Id, l.ProviderKey, l.Issuer, l.LinkedAt })
            .ToListAsync(cancellationToken);
        var identities = logins
            .OrderBy(l => l.LinkedAt)
            .Select(l => new LinkedIdentity(l.Id, l.ProviderKey, providers.Find(l.ProviderKey)?.DisplayName ?? l.Issuer, l.LinkedAt))
            .ToList();
        return new SignInMethods(account.HasPassword, account.EmailConfirmed, identities);
    }

    private async Task<User?> FindLinkedUserAsync(ExternalIdentity identity, CancellationToken cancellationToken)
    {
        var userId = await db.ExternalLogins
            .Where(l => l.Issuer == identity.Issuer && l.Subject == identity.Subject)
            .Select(l => (Guid?)l.UserId)
            .SingleOrDefaultAsync(cancellationToken);
        return userId is { } id ? await users.FindByIdAsync(id.ToString()) : null;
    }

    private async Task<ExternalSignIn> AllowedAsync(User user, ExternalSignInOutcome outcome)
    {
        if (user.DisabledAt is not null)
        {
            return new ExternalSignIn(ExternalSignInOutcome.Disabled, null);
        }

        // Lockout guards the password; a provider's sign-in respects it too, so that a lockout means "not now" whatever
        // the method (Identity's ExternalLoginSignInAsync does the same).
        return await users.IsLockedOutAsync(user) ? new ExternalSignIn(ExternalSignInOutcome.LockedOut, null) : new ExternalSignIn(outcome, user);
    }

    private static string NameFrom(string? name)
    {
        if (string.IsNullOrWhiteSpace(name) || StorableText.Problem(name) is not null)
        {
            return "";
        }

        var clean = new string([.. name.Trim().Where(c => !char.IsControl(c))]);
        return StorableText.Truncate(clean, User.NameMaxLength);
    }
}
