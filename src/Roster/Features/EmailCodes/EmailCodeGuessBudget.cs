using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Roster.Infrastructure.Data;

namespace Roster.Features.EmailCodes;

/// <summary>
/// A guess taken from an address's budget (<see cref="EmailCodeGuessBudget.ReserveAsync"/>): granted, with its row's
/// <paramref name="Id"/> and the guesses <paramref name="Counted"/> in the window with it; or refused, with
/// <paramref name="RetryAfter"/>, the time until the budget has a guess again.
/// </summary>
public readonly record struct EmailCodeGuessReservation(Guid? Id, int Counted, TimeSpan? RetryAfter);

/// <summary>
/// The daily budget of wrong codes per address (OWASP ASVS 2.2.1 anti-automation, NIST SP 800-63B 5.2.2 rate limiting):
/// at most <see cref="EmailCodeOptions.FailuresPerAddressPerDay"/> wrong codes in any <see cref="Window"/> against the
/// requests of one address, whoever sends them, from however many clients and app instances (the count is in the
/// database), whether or not the address has an account (no account is read). Past it, every code for the address,
/// right or wrong, is refused until the oldest counted failure is 24 hours old.
/// <para>
/// Why: the five tries of a request do not bound a guesser who asks for requests. Sends are 5 per 15 minutes per address
/// (<see cref="EmailCodeSendLimiter"/>), one every 3 minutes once the burst is spent: 480 requests a day x 5 tries =
/// 2,400 guesses a day against 10^8 codes, about 1 in 42,000 a day and 1 in 115 a year (876,000 / 10^8) for one targeted
/// address. With the default budget of 20: 20 / 10^8 = 1 in 5,000,000 a day, and 365 x 20 = 7,300 guesses a year, about
/// 1 in 13,700 a year.
/// </para>
/// <para>
/// Concurrency: a guess writes its row before it counts, and is compared only if the count, its own row included, is
/// within the budget; a guess that is refused, or whose request can no longer be tried, or whose code is right, removes
/// its row. Of any number of concurrent guesses, the last one to write its row sees every other's, so the wrong codes
/// compared in a window never exceed the budget (the bound is zero). The price is at the edge: guesses in flight
/// together near the end of a budget may be refused while it still has one left.
/// </para>
/// <para>
/// Trade-off: anyone who asks for codes to an address can spend its budget and so hold its codes off for up to a day.
/// The emailed link (256 bits, nothing to guess) is not counted and still signs in, as do a password and a provider,
/// so the owner is never locked out by a stranger's guesses.
/// </para>
/// </summary>
public sealed partial class EmailCodeGuessBudget(RosterDbContext db, IOptions<EmailCodeOptions> options, ILogger<EmailCodeGuessBudget> logger)
{
    /// <summary>How long a wrong code counts against its address's budget: a rolling day.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);

    private int Budget => options.Value.FailuresPerAddressPerDay;

    /// <summary>
    /// Reads whether the budget of <paramref name="normalizedEmail"/> is spent at <paramref name="now"/>: the time until
    /// it has a guess again (at least one second), or null while it has some. Writes nothing.
    /// </summary>
    public async Task<TimeSpan?> SpentAsync(string normalizedEmail, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var counted = await Counted(normalizedEmail, now).CountAsync(cancellationToken);
        return counted < Budget ? null : await WaitAsync(normalizedEmail, now, counted, cancellationToken);
    }

    /// <summary>
    /// Takes one guess from the budget of <paramref name="normalizedEmail"/> before a code is compared: writes the
    /// guess's row, then counts the window's rows. Within the budget, the guess is granted; the caller compares the
    /// code, then <see cref="ReleaseAsync"/> if the guess turned out not to be a wrong code, or
    /// <see cref="RecordFailureAsync"/> if it was. Over it, the row is removed and the guess refused with the wait.
    /// </summary>
    public async Task<EmailCodeGuessReservation> ReserveAsync(string normalizedEmail, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var guess = new EmailCodeGuess { Id = Guid.NewGuid(), NormalizedEmail = normalizedEmail, TriedAt = now };
        db.EmailCodeGuesses.Add(guess);
        await db.SaveChangesAsync(cancellationToken);
        db.Entry(guess).State = EntityState.Detached;

        // Counted after the row is committed: see the class's remarks for why no concurrent guess slips past. From here
        // on the client going away cancels nothing, so a guess never compared is never left standing as a wrong one.
        var counted = await Counted(normalizedEmail, now).CountAsync(CancellationToken.None);
        if (counted <= Budget)
        {
            return new EmailCodeGuessReservation(guess.Id, counted, RetryAfter: null);
        }

        await ReleaseAsync(new EmailCodeGuessReservation(guess.Id, counted, null));
        return new EmailCodeGuessReservation(null, counted - 1, await WaitAsync(normalizedEmail, now, counted - 1, cancellationToken));
    }

    /// <summary>
    /// Gives a granted guess back: its code was right, or its request could no longer be tried, so no wrong code was
    /// compared. Not cancellable: a row left behind would count as a wrong code.
    /// </summary>
    public async Task ReleaseAsync(EmailCodeGuessReservation reservation)
    {
        if (reservation.Id is { } id)
        {
            await db.EmailCodeGuesses.Where(g => g.Id == id).ExecuteDeleteAsync(CancellationToken.None);
        }
    }

    /// <summary>
    /// Keeps a granted guess as a wrong code (its row stays for <see cref="Window"/>); when it was the budget's last,
    /// says so in the log at warning level, with the address and until when its codes are refused (never the code).
    /// Guesses that counted the same last place concurrently may each say it: a warning more, never a guess more.
    /// </summary>
    public async Task RecordFailureAsync(EmailCodeGuessReservation reservation, string normalizedEmail, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (reservation.Id is not null && reservation.Counted == Budget)
        {
            var wait = await WaitAsync(normalizedEmail, now, Budget, cancellationToken);
            LogBudgetSpent(normalizedEmail, Budget, now + wait);
        }
    }

    /// <summary>Deletes the guesses that no longer count (older than <see cref="Window"/>); never one that still does.</summary>
    public Task<int> DeleteStaleAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var since = now - Window;
        return db.EmailCodeGuesses.Where(g => g.TriedAt <= since).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>The guesses of the address that count at <paramref name="now"/>: tried less than <see cref="Window"/> ago.</summary>
    private IQueryable<EmailCodeGuess> Counted(string normalizedEmail, DateTimeOffset now)
    {
        var since = now - Window;
        return db.EmailCodeGuesses.Where(g => g.NormalizedEmail == normalizedEmail && g.TriedAt > since);
    }

    /// <summary>
    /// With <paramref name="counted"/> guesses in the window (at least the budget), the time until enough of them leave
    /// it for one more: the guess at index counted - budget, oldest first, leaves at its time + <see cref="Window"/>.
    /// At least one second (a row may leave between the count and this read).
    /// </summary>
    private async Task<TimeSpan> WaitAsync(string normalizedEmail, DateTimeOffset now, int counted, CancellationToken cancellationToken)
    {
        var leaving = await Counted(normalizedEmail, now)
            .OrderBy(g => g.TriedAt)
            .Skip(Math.Max(0, counted - Budget))
            .Select(g => g.TriedAt)
            .Take(1)
            .ToListAsync(cancellationToken);
        var wait = leaving.Count == 1 ? leaving[0] + Window - now : TimeSpan.Zero;
        return wait > TimeSpan.FromSeconds(1) ? wait : TimeSpan.FromSeconds(1);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Continue with email: {Address} has had {Failures} wrong codes in 24 hours, its whole budget; its codes are refused until {Until:u} (its emailed links still work)")]
    private partial void LogBudgetSpent(string address, int failures, DateTimeOffset until);
}
