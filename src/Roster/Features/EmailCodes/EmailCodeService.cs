using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Roster.Features.Accounts;
using Roster.Features.Audit;
using Roster.Infrastructure.Authorization;
using Roster.Infrastructure.Data;
using Roster.Infrastructure.Email;
using Roster.Infrastructure.Errors;
using Roster.Infrastructure.Security;
using Roster.Infrastructure.Web;

namespace Roster.Features.EmailCodes;

/// <summary>What a "Continue with email" request gives its requester: the secret that binds the code to them.</summary>
/// <param name="RequesterSecret">256 bits, base64url: the HttpOnly cookie's value, or the API's <c>challenge</c>.</param>
/// <param name="ExpiresAt">When the code and the link stop working (UTC).</param>
public sealed record EmailCodeRequested(string RequesterSecret, DateTimeOffset ExpiresAt);

/// <summary>
/// A sign-in by email code or link: the account, and whether it proved the account's address for the first time (the
/// person is then shown what the account holds, <c>/account/proven</c>, as after any first proof: <see cref="AddressProof"/>).
/// </summary>
public sealed record EmailCodeSignIn(User User, bool FirstProof);

/// <summary>
/// What a code came to: <paramref name="Result"/>, the sign-in or its error. When the error is
/// <see cref="EmailCodeErrors.TooManyGuesses"/> (the address's daily budget of wrong codes is spent:
/// <see cref="EmailCodeGuessBudget"/>), <paramref name="RetryAfter"/> is the time until the budget has a guess again,
/// at least one second; otherwise null.
/// </summary>
public sealed record EmailCodeVerification(Result<EmailCodeSignIn> Result, TimeSpan? RetryAfter = null);

/// <summary>
/// Continue with email (passwordless sign-in, issue 7 item 1; NIST SP 800-63B 5.1.3 out-of-band authenticators): one
/// email holds an 8-digit code and a link, both valid <see cref="Lifetime"/>, single use, stored hashed.
/// <list type="bullet">
/// <item>A code asked for in a browser works only together with that browser's HttpOnly cookie, so a code read over
/// someone's shoulder is useless elsewhere; an API request's code works with the challenge the API answered, or with
/// its address alone (SPEC section 8). <see cref="MaxFailedAttempts"/> tries end a request, counted before each
/// comparison so concurrent guesses cannot exceed it.</item>
/// <item>The tries of a request do not bound a guesser who keeps asking for requests to someone's address: at 5 sends
/// per 15 minutes (<see cref="EmailCodeSendLimiter"/>), 480 requests a day x 5 tries = 2,400 guesses a day against 10^8
/// codes, about 1 in 42,000 a day and 1 in 115 a year. So wrong codes are also limited per address, whoever sends
/// them: <see cref="EmailCodeOptions.FailuresPerAddressPerDay"/> (default 20) in any 24 hours
/// (<see cref="EmailCodeGuessBudget"/>), about 1 in 5,000,000 a day and 1 in 13,700 a year. Past it, every code for the
/// address is refused (<see cref="EmailCodeErrors.TooManyGuesses"/>), with or without an account; the emailed link
/// is not counted and still signs in.</item>
/// <item>The link (256 bits) works on any browser, but only by POST, so a mail scanner that follows it consumes nothing.</item>
/// <item>Asking does the same work whatever the address: no account is read, a row is written and one email is queued
/// (<see cref="OutgoingEmail"/>, so no SMTP time shows). Whether the address has an account is decided only once its
/// mailbox has been proven.</item>
/// <item>The first proof creates the account with a verified email (its name from the address's local part), or marks an
/// existing account's email verified. A disabled account is refused, told only to whoever holds the mailbox.</item>
/// </list>
/// </summary>
public sealed partial class EmailCodeService(
    RosterDbContext db,
    UserManager<User> users,
    ILookupNormalizer normalizer,
    OutgoingEmail outgoing,
    PublicUrls urls,
    AuditLog audit,
    TimeProvider time,
    AddressProof proof,
    EmailCodeGuessBudget guessBudget,
    ILogger<EmailCodeService> logger)
{
    /// <summary>How long a code and its link work.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    /// <summary>Codes that may be tried against one request (wrong ones end it at this count).</summary>
    public const int MaxFailedAttempts = 5;

    /// <summary>The most live API requests of one address that a code without a challenge is tried against.</summary>
    public const int MaxOpenRequestsTried = 10;

    /// <summary>Digits of a code.</summary>
    public const int CodeLength = 8;

    /// <summary>The subject of the email (it never holds the code: subjects are logged when a send fails).</summary>
    public const string Subject = "Your Roster sign-in code";

    /// <summary>
    /// Creates a request for <paramref name="email"/> (already valid: <see cref="EmailAddresses.Parse"/>) and queues its
    /// email. <paramref name="invitation"/> and <paramref name="returnUrl"/> ride in the emailed link, so a sign-in
    /// from the link joins the same invitation.
    /// </summary>
    /// <param name="browserBound">True from the pages: the code then works only with the browser's cookie.</param>
    public async Task<EmailCodeRequested> RequestAsync(string email, string? invitation, string? returnUrl, bool browserBound, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var code = RandomNumberGenerator.GetInt32(0, 100_000_000).ToString("D8", CultureInfo.InvariantCulture);
        var linkToken = SecretToken.Create();
        var requesterSecret = SecretToken.Create();
        var request = new EmailCode
        {
            Id = Guid.NewGuid(),
            Email = email,
            NormalizedEmail = normalizer.NormalizeEmail(email) ?? email,
            LinkTokenHash = SecretToken.Hash(linkToken),
            RequesterHash = SecretToken.Hash(requesterSecret),
            BrowserBound = browserBound,
            CreatedAt = now,
            ExpiresAt = now + Lifetime,
        };
        request.CodeHash = CodeHash(request.Id, code);
        db.EmailCodes.Add(request);
        await db.SaveChangesAsync(cancellationToken);

        // Requests a day past their end are of no use to anyone, nor are wrong codes past the guess budget's window:
        // dropped on the way (the same work for every address).
        var stale = now - TimeSpan.FromDays(1);
        await db.EmailCodes.Where(c => c.ExpiresAt < stale).ExecuteDeleteAsync(cancellationToken);
        await guessBudget.DeleteStaleAsync(now, cancellationToken);

        // After the commit, and through the queue: the answer does not wait for (or reveal anything by) the SMTP server.
        outgoing.Enqueue(Message(email, code, LinkPath(linkToken, invitation, returnUrl)));
        return new EmailCodeRequested(requesterSecret, request.ExpiresAt);
    }

    /// <summary>The address a live request of this requester was sent to, or null (none, expired, used or ended).</summary>
    public async Task<string?> PendingEmailAsync(string? requesterSecret, CancellationToken cancellationToken)
    {
        if (!SecretToken.HasValidShape(requesterSecret))
        {
            return null;
        }

        var hash = SecretToken.Hash(requesterSecret!);
        var now = time.GetUtcNow();
        return await db.EmailCodes.AsNoTracking()
            .Where(c => c.RequesterHash == hash && c.UsedAt == null && c.ExpiresAt > now && c.FailedAttempts < MaxFailedAttempts)
            .Select(c => c.Email)
            .SingleOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// Signs in with a code. With <paramref name="requesterSecret"/> (the browser's cookie, or the API's challenge), only
    /// that requester's request is tried, and it must be for <paramref name="email"/> when one is given. Without it
    /// (the API's <c>{ email, code }</c>), the live API requests of <paramref name="email"/> are tried, never a browser's.
    /// Each request tried spends one of its <see cref="MaxFailedAttempts"/>, and one guess of its address's daily budget
    /// (<see cref="EmailCodeGuessBudget"/>), kept only when the code is wrong. Every failure is
    /// <see cref="EmailCodeErrors.Invalid"/>, except a disabled account (<see cref="AccountErrors.Disabled"/>) after the
    /// right code, and <see cref="EmailCodeErrors.TooManyGuesses"/> with the wait, right code or wrong, once the budget
    /// of the address (the one given, or the one of the requester's request) is spent. The caller signs the user in.
    /// </summary>
    /// <remarks>Every outcome is counted in <c>roster.sign_ins</c> (method <c>email_code</c>): succeeded, failed, or
    /// locked_out for a spent budget.</remarks>
    public async Task<EmailCodeVerification> VerifyCodeAsync(string? requesterSecret, string? email, string? code, string? clientAddress, CancellationToken cancellationToken)
    {
        var verification = await CheckCodeAsync(requesterSecret, email, code, clientAddress, cancellationToken);
        CountSignIn(verification.Result);
        return verification;
    }

    private async Task<EmailCodeVerification> CheckCodeAsync(string? requesterSecret, string? email, string? code, string? clientAddress, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var normalizedEmail = email is null ? null : normalizer.NormalizeEmail(email.Trim());
        List<Candidate> candidates;
        if (requesterSecret is not null)
        {
            if (!SecretToken.HasValidShape(requesterSecret))
            {
                return new(EmailCodeErrors.Invalid);
            }

            var hash = SecretToken.Hash(requesterSecret);
            candidates = await db.EmailCodes.Where(c => c.RequesterHash == hash)
                .Select(c => new Candidate(c.Id, c.NormalizedEmail)).ToListAsync(cancellationToken);
        }
        else if (normalizedEmail is not null)
        {
            // A spent budget answers first, whether or not the address has a live request to try (or an account).
            if (await guessBudget.SpentAsync(normalizedEmail, now, cancellationToken) is { } wait)
            {
                return new(EmailCodeErrors.TooManyGuesses, wait);
            }

            // At most a few: sends to one address are limited (EmailCodeSendLimiter).
            candidates = await db.EmailCodes
                .Where(c => c.NormalizedEmail == normalizedEmail && !c.BrowserBound && c.UsedAt == null && c.ExpiresAt > now && c.FailedAttempts < MaxFailedAttempts)
                .OrderByDescending(c => c.CreatedAt).Take(MaxOpenRequestsTried).Select(c => new Candidate(c.Id, c.NormalizedEmail)).ToListAsync(cancellationToken);
        }
        else
        {
            return new(EmailCodeErrors.Invalid);
        }

        var digits = Digits(code);
        foreach (var candidate in candidates)
        {
            // A guess is taken from the address's daily budget, then from the request's own tries, both before the
            // code is compared: of any number of concurrent guesses, at most the budget's for the address and
            // MaxFailedAttempts per request get compared at all (EmailCodeGuessBudget says why the first holds).
            var reservation = await guessBudget.ReserveAsync(candidate.NormalizedEmail, now, cancellationToken);
            if (reservation.RetryAfter is { } wait)
            {
                return new(EmailCodeErrors.TooManyGuesses, wait);
            }

            var counted = await db.EmailCodes
                .Where(c => c.Id == candidate.Id && c.UsedAt == null && c.ExpiresAt > now && c.FailedAttempts < MaxFailedAttempts)
                .ExecuteUpdateAsync(setters => setters.SetProperty(c => c.FailedAttempts, c => c.FailedAttempts + 1), CancellationToken.None);
            if (counted == 0)
            {
                // Expired, used or out of tries: nothing was compared, so nothing is charged to the address. (Not
                // cancelled once the guess is reserved: a client that goes away must not leave it counted as wrong.)
                await guessBudget.ReleaseAsync(reservation);
                continue;
            }

            var request = await db.EmailCodes.AsNoTracking().SingleAsync(c => c.Id == candidate.Id, CancellationToken.None);
            var sameAddress = normalizedEmail is null || string.Equals(normalizedEmail, request.NormalizedEmail, StringComparison.Ordinal);
            var matches = digits is not null && CryptographicOperations.FixedTimeEquals(
                Encoding.ASCII.GetBytes(CodeHash(request.Id, digits)), Encoding.ASCII.GetBytes(request.CodeHash));
            if (sameAddress && matches)
            {
                await guessBudget.ReleaseAsync(reservation);
                return new(await CompleteAsync(request, clientAddress, cancellationToken));
            }

            await guessBudget.RecordFailureAsync(reservation, candidate.NormalizedEmail, now, cancellationToken);
        }

        return new(EmailCodeErrors.Invalid);
    }

    /// <summary>The address an emailed link signs in, while it works; null otherwise. Reads only: a GET uses nothing.</summary>
    public async Task<string?> LinkEmailAsync(string? token, CancellationToken cancellationToken)
    {
        if (!SecretToken.HasValidShape(token))
        {
            return null;
        }

        var hash = SecretToken.Hash(token!);
        var now = time.GetUtcNow();
        return await db.EmailCodes.AsNoTracking()
            .Where(c => c.LinkTokenHash == hash && c.UsedAt == null && c.ExpiresAt > now && c.FailedAttempts < MaxFailedAttempts)
            .Select(c => c.Email)
            .SingleOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// Signs in with the emailed link's token (from any browser); failures as <see cref="VerifyCodeAsync"/>, and counted
    /// in <c>roster.sign_ins</c> the same way.
    /// </summary>
    public async Task<Result<EmailCodeSignIn>> VerifyLinkAsync(string? token, string? clientAddress, CancellationToken cancellationToken)
    {
        var result = await CheckLinkAsync(token, clientAddress, cancellationToken);
        CountSignIn(result);
        return result;
    }

    private async Task<Result<EmailCodeSignIn>> CheckLinkAsync(string? token, string? clientAddress, CancellationToken cancellationToken)
    {
        if (!SecretToken.HasValidShape(token))
        {
            return EmailCodeErrors.Invalid;
        }

        var hash = SecretToken.Hash(token!);
        var request = await db.EmailCodes.AsNoTracking().SingleOrDefaultAsync(c => c.LinkTokenHash == hash, cancellationToken);
        return request is null || request.FailedAttempts >= MaxFailedAttempts
            ? EmailCodeErrors.Invalid
            : await CompleteAsync(request, clientAddress, cancellationToken);
    }

    /// <summary>One sign-in attempt's outcome in <c>roster.sign_ins</c>, as its audit action would name it.</summary>
    private static void CountSignIn(Result<EmailCodeSignIn> result) =>
        Roster.Infrastructure.Telemetry.RosterMetrics.EmailCodeSignIn(
            result.IsSuccess ? AuditActions.SignInSucceeded
            : result.Error == EmailCodeErrors.TooManyGuesses ? AuditActions.SignInLockedOut
            : AuditActions.SignInFailed);

    /// <summary>The code as typed, without spaces or dashes, if it is <see cref="CodeLength"/> digits; else null.</summary>
    public static string? Digits(string? code)
    {
        var digits = string.Concat((code ?? "").Where(c => c is not (' ' or '-')));
        return digits.Length == CodeLength && digits.All(char.IsAsciiDigit) ? digits : null;
    }

    private static string CodeHash(Guid requestId, string code) =>
        SecretToken.Hash($"{requestId:N}:{code}");

    private static string LinkPath(string token, string? invitation, string? returnUrl)
    {
        var path = $"/login/email/confirm?token={token}";
        if (!string.IsNullOrEmpty(invitation))
        {
            path += $"&invite={UrlEncoder.Default.Encode(invitation)}";
        }

        if (!string.IsNullOrEmpty(returnUrl))
        {
            path += $"&returnUrl={UrlEncoder.Default.Encode(returnUrl)}";
        }

        return path;
    }

    private EmailMessage Message(string email, string code, string linkPath)
    {
        var link = urls.Absolute(linkPath);
        var minutes = (int)Lifetime.TotalMinutes;
        var text =
            $"Your code to sign in to Roster is {code}\n\n" +
            $"Or sign in with this link, on any device:\n{link}\n\n" +
            $"The code and the link work once, for {minutes} minutes. If you did not ask to sign in, ignore this email: nobody can sign in with your address without it.\n";
        var html =
            $"<p>Your code to sign in to Roster is</p><p style=\"font-size:1.5em;letter-spacing:0.2em\"><strong>{code}</strong></p>" +
            $"<p>Or sign in with this link, on any device: <a href=\"{HtmlEncoder.Default.Encode(link)}\">Sign in to Roster</a></p>" +
            $"<p>The code and the link work once, for {minutes} minutes. If you did not ask to sign in, ignore this email: nobody can sign in with your address without it.</p>";
        return new EmailMessage(email, Subject, text, html);
    }

    /// <summary>
    /// Spends the request (code and link at once) and finds or creates its account, in one transaction. A lost race
    /// for the same new address (another browser's code, a sign-up) is retried once against the account that won.
    /// </summary>
    private async Task<Result<EmailCodeSignIn>> CompleteAsync(EmailCode request, string? clientAddress, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var result = await SpendAsync(request, cancellationToken);
                if (!result.IsSuccess)
                {
                    return result.Error!;
                }

                var (user, firstProof) = result.Value;
                var disabled = user.DisabledAt is not null;
                await audit.WriteAsync(
                    disabled ? new Actor(null, null, clientAddress) : Actor.ForUser(user.Id, clientAddress), workspaceId: null,
                    disabled ? AuditActions.SignInFailed : AuditActions.SignInSucceeded, target: null, CancellationToken.None,
                    outcome: disabled ? AuditOutcome.Refused : AuditOutcome.Success, reason: disabled ? "auth.account_disabled" : null,
                    accountId: user.Id);
                return disabled ? AccountErrors.Disabled : new EmailCodeSignIn(user, firstProof);
            }
            catch (Exception exception) when (attempt == 1 && (exception is LostAccountRaceException || ConcurrencyConflicts.IsConflict(exception)))
            {
                // Another request created the account between our read and our insert: the key constraint refused ours.
                LogAccountRace();
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task<Result<(User User, bool FirstProof)>> SpendAsync(EmailCode request, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var spent = await db.EmailCodes
            .Where(c => c.Id == request.Id && c.UsedAt == null && c.ExpiresAt > now)
            .ExecuteUpdateAsync(setters => setters.SetProperty(c => c.UsedAt, (DateTimeOffset?)now), cancellationToken);
        if (spent == 0)
        {
            return EmailCodeErrors.Invalid;
        }

        var user = await users.FindByEmailAsync(request.Email);
        var firstProof = false;
        if (user is null)
        {
            user = new User { UserName = request.Email, Email = request.Email, EmailConfirmed = true, Name = NameFrom(request.Email) };
            var created = await users.CreateAsync(user);
            if (!created.Succeeded)
            {
                // Identity's own duplicate check saw an account created since our read: a lost race, retried.
                throw created.Errors.Any(error => error.Code is nameof(IdentityErrorDescriber.DuplicateEmail) or nameof(IdentityErrorDescriber.DuplicateUserName))
                    ? new LostAccountRaceException()
                    : new InvalidOperationException($"Identity refused an address the edge accepted: {string.Join(", ", created.Errors.Select(error => error.Code))}.");
            }
        }
        else if (!user.EmailConfirmed)
        {
            // The first proof of an account someone else may have created (pre-hijacking): AddressProof verifies the
            // address and ends every earlier session, token, password and linked identity, in this transaction.
            await proof.StageAsync(user, ProofKind.EmailCode, clientAddress: null, cancellationToken);
            var updated = await users.UpdateAsync(user);
            if (!updated.Succeeded)
            {
                // The account changed since our read (its concurrency stamp): retried against the row as it is now.
                throw new LostAccountRaceException();
            }

            firstProof = true;
        }

        await transaction.CommitAsync(cancellationToken);
        return (user, firstProof);
    }

    /// <summary>The new account's name: the address's local part, which the person can change in /account.</summary>
    private static string NameFrom(string email)
    {
        var local = email[..email.LastIndexOf('@')].Trim('"');
        return local.Length > User.NameMaxLength ? local[..User.NameMaxLength] : local;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "An email-code sign-in lost the race to create its account; retrying against the account that won")]
    private partial void LogAccountRace();

    /// <summary>A request a code may be tried against, and the address whose guess budget the try is charged to.</summary>
    private sealed record Candidate(Guid Id, string NormalizedEmail);

    /// <summary>Another request wrote the account between this one's read and write; the use case is retried once.</summary>
    private sealed class LostAccountRaceException : Exception
    {
    }
}
