using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Roster.Infrastructure.Data;
using Roster.Infrastructure.Text;

namespace Roster.Infrastructure.Email;

/// <summary>Bound from <c>Roster:Email:Outbox</c>: how the <see cref="OutboxWorker"/> polls, holds and retries messages.</summary>
public sealed class OutboxOptions
{
    /// <summary>
    /// How often the worker looks for due messages without being poked: other instances' messages and retries. A message
    /// committed on this instance is sent at once (<see cref="OutboxSignal"/>).
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a claimed message belongs to the instance that claimed it: a worker that dies mid-send holds its messages
    /// this long. A try is cut off after half of it (then retried), so no live worker still sends when another may claim
    /// the row. It assumes the instances' clocks agree to well within half the lease (NTP).
    /// </summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The wait after the first failed try; it doubles after each further one, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait between two tries.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>A message not sent this long after it was added is given up (<see cref="OutboxMessageStatus.Failed"/>).</summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Messages one query claims at most before the worker looks again.</summary>
    public int BatchSize { get; set; } = 20;

    /// <summary>
    /// How long a sent or failed message's row (recipient, subject, delivery facts; its body is already cleared) is kept
    /// before the worker deletes it: 30 days. The row of an email invitation that is still open is kept as long as the
    /// invitation is, since its delivery status is read from it.
    /// </summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);
}

/// <summary>
/// The durable outbox's delivery side, one on every instance: finds pending messages that are due and not held by
/// another worker, claims each with a conditional update, sends it through <see cref="IMailer"/>, and records the outcome.
/// </summary>
/// <remarks>
/// <para>
/// The claim is one <c>UPDATE ... WHERE Id = @id AND Status = 'pending' AND NextAttemptAt &lt;= @now AND (LockedUntil IS
/// NULL OR LockedUntil &lt; @now)</c> that sets <c>LockedUntil = @now + lease</c> and <c>Attempts + 1</c>: the database
/// lets one of two concurrent updates change the row, and only the worker whose update changed it sends. So two live
/// instances never send one message twice.
/// </para>
/// <para>
/// Delivery is at least once, not exactly once: SMTP has no idempotent send, so a worker that dies (or loses its
/// database) after the server accepted a message and before it recorded <c>sent</c> leaves the row locked until its
/// lease ends, and another try sends it again. That window is one SMTP command wide; nothing else sends twice.
/// </para>
/// <para>
/// After a transient failure the next try waits <see cref="OutboxOptions.FirstRetryDelay"/>, doubling up to
/// <see cref="OutboxOptions.MaxRetryDelay"/>; a message still unsent after <see cref="OutboxOptions.GiveUpAfter"/>, or
/// refused for good by the server (5xx to the recipient or the message, RFC 5321 section 4.2.1), is marked <c>failed</c>.
/// Once sent or failed its body (which may hold a one-time link) is cleared. The log names the message's id, kind,
/// recipient and attempts, and the server's answer; never the body.
/// </para>
/// <para>
/// Every <see cref="PurgeInterval"/> the worker also deletes the rows kept past <see cref="OutboxOptions.Retention"/>
/// (<see cref="PurgeAsync"/>), so the table holds about a month of mail, not every email ever sent.
/// </para>
/// </remarks>
public sealed partial class OutboxWorker(
    IServiceScopeFactory scopes,
    IMailer mailer,
    OutboxSignal signal,
    IOptions<OutboxOptions> options,
    TimeProvider time,
    ILogger<OutboxWorker> logger) : BackgroundService
{
    /// <summary>How often the worker deletes the rows kept past their retention: hourly.</summary>
    public static readonly TimeSpan PurgeInterval = TimeSpan.FromHours(1);

    /// <summary>Rows one purge statement deletes at most, so that no statement holds the database (SQLite's writer) long.</summary>
    internal const int PurgeBatchSize = 500;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Let the host finish starting (migrations ran before it started) before the first look.
        await Task.Yield();
        var nextPurge = time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            var full = false;
            try
            {
                full = await DeliverDueAsync(stoppingToken);
                if (time.GetUtcNow() >= nextPurge)
                {
                    nextPurge = time.GetUtcNow() + PurgeInterval;
                    await PurgeAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is System.Data.Common.DbException or DbUpdateException or InvalidOperationException or TimeoutException)
            {
                // The database is unreachable or busy: try again at the next poll (a warning). Anything else is a fault the
                // poll would meet forever: logged at error, with its stack.
                if (exception is System.Data.Common.DbException { IsTransient: true } or TimeoutException || Errors.ConcurrencyConflicts.AnswersConflict(exception))
                {
                    LogPollFailed(exception.GetType().Name);
                }
                else
                {
                    LogPollFault(exception);
                }
            }

            if (!full)
            {
                await WaitAsync(stoppingToken);
            }
        }
    }

    /// <summary>
    /// Deletes the sent and failed messages created more than <see cref="OutboxOptions.Retention"/> ago, except the one an
    /// open email invitation (neither accepted nor revoked) shows its delivery from; pending messages are never deleted.
    /// Oldest first, <see cref="PurgeBatchSize"/> rows a statement, until none is left. Returns how many rows went.
    /// </summary>
    internal async Task<int> PurgeAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RosterDbContext>();
        var cutoff = time.GetUtcNowForStorage() - options.Value.Retention;
        var total = 0;
        int deleted;
        do
        {
            deleted = await db.OutboxMessages
                .Where(m => m.Status != OutboxMessageStatus.Pending && m.CreatedAt < cutoff
                    && !db.EmailInvitations.Any(i => i.OutboxMessageId == m.Id && i.AcceptedAt == null && i.RevokedAt == null))
                .OrderBy(m => m.Id)
                .Take(PurgeBatchSize)
                .ExecuteDeleteAsync(cancellationToken);
            total += deleted;
        }
        while (deleted == PurgeBatchSize);

        if (total > 0)
        {
            LogPurged(total);
        }

        return total;
    }

    /// <summary>
    /// One pass: claims and sends up to <see cref="OutboxOptions.BatchSize"/> due messages, one at a time. Returns true when
    /// the batch was full (more may be due: look again at once).
    /// </summary>
    internal async Task<bool> DeliverDueAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RosterDbContext>();
        var outbox = scope.ServiceProvider.GetRequiredService<EmailOutbox>();
        var now = time.GetUtcNowForStorage();
        var due = await db.OutboxMessages.AsNoTracking()
            .Where(m => m.Status == OutboxMessageStatus.Pending && m.NextAttemptAt <= now && (m.LockedUntil == null || m.LockedUntil < now))
            .OrderBy(m => m.NextAttemptAt)
            .Select(m => m.Id)
            .Take(settings.BatchSize)
            .ToListAsync(cancellationToken);
        foreach (var id in due)
        {
            await DeliverAsync(db, outbox, id, cancellationToken);
        }

        return due.Count == settings.BatchSize;
    }

    private async Task DeliverAsync(RosterDbContext db, EmailOutbox outbox, Guid id, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNowForStorage();
        var lease = now + settings.Lease;
        var claimed = await db.OutboxMessages
            .Where(m => m.Id == id && m.Status == OutboxMessageStatus.Pending && m.NextAttemptAt <= now && (m.LockedUntil == null || m.LockedUntil < now))
            .ExecuteUpdateAsync(
                setters => setters.SetProperty(m => m.LockedUntil, (DateTimeOffset?)lease).SetProperty(m => m.Attempts, m => m.Attempts + 1),
                cancellationToken);
        if (claimed != 1)
        {
            // Another instance claimed it first (or it was sent meanwhile): it is theirs.
            return;
        }

        var row = await db.OutboxMessages.AsNoTracking().SingleAsync(m => m.Id == id, cancellationToken);
        EmailMessage message;
        try
        {
            message = outbox.Read(row);
        }
        catch (Exception exception) when (exception is CryptographicException or System.Text.Json.JsonException or InvalidOperationException)
        {
            // The keys that protected it are gone (another deployment's database?): no retry can read it.
            await FailAsync(db, row, lease, "the stored body cannot be read", cancellationToken);
            return;
        }

        MailResult result;

        // A send may take at most half the lease: past the lease another instance may claim the row and send it again,
        // so a slow server is cut off well before, and the message retried later like any transient failure.
        using var sendDeadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        sendDeadline.CancelAfter(settings.Lease / 2);
        try
        {
            result = await mailer.SendAsync(message, sendDeadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            result = MailResult.Transient("the mail server did not answer within half the outbox's lease");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The app is stopping mid-send: hand the message back at once (the try still counts), so another instance need
            // not wait for the lease. Whether the server got it is unknown; at least once, as above.
            await db.OutboxMessages.Where(m => m.Id == id && m.LockedUntil == lease)
                .ExecuteUpdateAsync(setters => setters.SetProperty(m => m.LockedUntil, (DateTimeOffset?)null), CancellationToken.None);
            throw;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            result = MailResult.Transient(exception.Message);
        }

        // The outcome is recorded whatever the host's shutdown says: the server's answer is known now.
        cancellationToken = CancellationToken.None;
        var after = time.GetUtcNowForStorage();
        switch (result.Outcome)
        {
            case MailOutcome.Sent:
                await db.OutboxMessages
                    .Where(m => m.Id == id && m.LockedUntil == lease)
                    .ExecuteUpdateAsync(
                        setters => setters
                            .SetProperty(m => m.Status, OutboxMessageStatus.Sent)
                            .SetProperty(m => m.SentAt, (DateTimeOffset?)after)
                            .SetProperty(m => m.ProtectedBody, (string?)null)
                            .SetProperty(m => m.LockedUntil, (DateTimeOffset?)null),
                        cancellationToken);
                LogSent(row.Id, row.Kind, row.To, row.Attempts);
                break;
            case MailOutcome.PermanentFailure:
                await FailAsync(db, row, lease, result.Reason ?? "refused", cancellationToken);
                break;
            default:
                var reason = StorableText.Truncate(result.Reason ?? "not sent", OutboxMessage.ErrorMaxLength);
                var next = after + RetryDelay(row.Attempts, settings);
                if (next > row.CreatedAt + settings.GiveUpAfter)
                {
                    await FailAsync(db, row, lease, reason, cancellationToken);
                    break;
                }

                await db.OutboxMessages
                    .Where(m => m.Id == id && m.LockedUntil == lease)
                    .ExecuteUpdateAsync(
                        setters => setters
                            .SetProperty(m => m.NextAttemptAt, next)
                            .SetProperty(m => m.LastError, reason)
                            .SetProperty(m => m.LockedUntil, (DateTimeOffset?)null),
                        cancellationToken);
                LogRetry(row.Id, row.Kind, row.To, row.Attempts, next, reason);
                break;
        }
    }

    private async Task FailAsync(RosterDbContext db, OutboxMessage row, DateTimeOffset lease, string reason, CancellationToken cancellationToken)
    {
        reason = StorableText.Truncate(reason, OutboxMessage.ErrorMaxLength);
        await db.OutboxMessages
            .Where(m => m.Id == row.Id && m.LockedUntil == lease)
            .ExecuteUpdateAsync(
                setters => setters
                    .SetProperty(m => m.Status, OutboxMessageStatus.Failed)
                    .SetProperty(m => m.LastError, reason)
                    .SetProperty(m => m.ProtectedBody, (string?)null)
                    .SetProperty(m => m.LockedUntil, (DateTimeOffset?)null),
                cancellationToken);
        LogFailed(row.Id, row.Kind, row.To, row.Attempts, reason);
    }

    /// <summary>The wait after the <paramref name="attempts"/>th failed try: the first delay, doubled per further try, capped.</summary>
    internal static TimeSpan RetryDelay(int attempts, OutboxOptions settings)
    {
        var delay = settings.FirstRetryDelay;
        for (var i = 1; i < attempts && delay < settings.MaxRetryDelay; i++)
        {
            delay *= 2;
        }

        return delay < settings.MaxRetryDelay ? delay : settings.MaxRetryDelay;
    }

    private async Task WaitAsync(CancellationToken stoppingToken)
    {
        using var woken = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var poll = Task.Delay(options.Value.PollInterval, time, woken.Token);
        var poke = signal.WaitAsync(woken.Token);
        await Task.WhenAny(poll, poke);
        await woken.CancelAsync();
        try
        {
            await Task.WhenAll(poll, poke);
        }
        catch (OperationCanceledException)
        {
            // The other of the two, cancelled: expected.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox message {MessageId} ({Kind}) to {To} sent (attempt {Attempts})")]
    private partial void LogSent(Guid messageId, string kind, string to, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox message {MessageId} ({Kind}) to {To} not sent (attempt {Attempts}); next try at {NextAttemptAt:O}: {Reason}")]
    private partial void LogRetry(Guid messageId, string kind, string to, int attempts, DateTimeOffset nextAttemptAt, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox message {MessageId} ({Kind}) to {To} failed for good after {Attempts} attempts: {Reason}")]
    private partial void LogFailed(Guid messageId, string kind, string to, int attempts, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The outbox could not be read; trying again at the next poll: {Reason}")]
    private partial void LogPollFailed(string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} sent or failed outbox messages past their retention")]
    private partial void LogPurged(int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "The outbox could not be read, and not for a reason that passes; trying again at the next poll")]
    private partial void LogPollFault(Exception exception);
}
