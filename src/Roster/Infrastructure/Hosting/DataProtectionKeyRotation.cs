using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;

namespace Roster.Infrastructure.Hosting;

/// <summary>
/// Creates each data-protection key's successor ahead of time, in the background, so that no request ever writes a key.
/// </summary>
/// <remarks>
/// <para>
/// ASP.NET Core creates a new key by itself when the key ring, read again (at most every 24 hours), finds that the
/// default key expires within the key propagation window (2 days; keys live 90 days). It does so inside whichever call
/// needs the ring, and Roster needs it inside use cases' transactions: the outbox encrypts each email's body as the use
/// case saves it. On SQLite that key's write, through a second context, would wait for the writer turn the request
/// itself holds (<see cref="Data.SqliteWriteGate"/>): the request, and every writer queued behind it, would stall for
/// the 30-second limit and fail, once per key lifetime.
/// </para>
/// <para>
/// This service checks every <see cref="CheckInterval"/>: when no key is active now it creates one active at once (the
/// server's start does the same before any request, <see cref="RosterHost.PrepareAsync"/>), and when no key will be
/// active in <see cref="Lead"/> (3 days, more than the 2-day window) it creates the successor, active in
/// <see cref="Propagation"/> (2 days: every instance has read it by then) and for the configured lifetime. The
/// framework's own generation stays on as the fallback for a server that was down through those days. Several instances
/// may each create a successor at the same time: the keys are all valid, and the ring picks one default.
/// </para>
/// </remarks>
public sealed partial class DataProtectionKeyRotation(
    IKeyManager keys, IOptions<KeyManagementOptions> options, TimeProvider time, ILogger<DataProtectionKeyRotation> logger) : BackgroundService
{
    /// <summary>How often the keys are checked: hourly.</summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromHours(1);

    /// <summary>How long before the last active key expires its successor is created: 3 days.</summary>
    public static readonly TimeSpan Lead = TimeSpan.FromDays(3);

    /// <summary>How long after its creation a successor becomes active, so that every instance reads it first: 2 days.</summary>
    public static readonly TimeSpan Propagation = TimeSpan.FromDays(2);

    /// <summary>
    /// Creates the key needed at <paramref name="now"/> (UTC), if any: one active at once when no key is active now, or
    /// the successor when no key is active at <c>now + Lead</c>. Returns the key created, or null when none was needed.
    /// Revoked keys do not count. Errors: what the key store throws (the database unreachable).
    /// </summary>
    public IKey? EnsureKeys(DateTimeOffset now)
    {
        var usable = keys.GetAllKeys().Where(key => !key.IsRevoked).ToList();
        bool ActiveAt(DateTimeOffset at) => usable.Any(key => key.ActivationDate <= at && key.ExpirationDate > at);

        var activation = !ActiveAt(now) ? now : !ActiveAt(now + Lead) ? now + Propagation : (DateTimeOffset?)null;
        if (activation is not { } from)
        {
            return null;
        }

        var created = keys.CreateNewKey(from, from + options.Value.NewKeyLifetime);
        LogCreated(created.KeyId, created.ActivationDate, created.ExpirationDate);
        return created;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Let the host finish starting (the start itself made sure of a key, RosterHost.PrepareAsync) before the first look.
        await Task.Yield();
        using var timer = new PeriodicTimer(CheckInterval, time);
        do
        {
            try
            {
                EnsureKeys(time.GetUtcNow());
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Tried again at the next check; until the key expires the framework's own generation remains.
                LogFailed(exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created data-protection key {KeyId}, active from {Activation:O} until {Expiration:O}")]
    private partial void LogCreated(Guid keyId, DateTimeOffset activation, DateTimeOffset expiration);

    [LoggerMessage(Level = LogLevel.Error, Message = "Checking the data-protection keys failed; trying again in an hour")]
    private partial void LogFailed(Exception exception);
}
