using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Roster.Infrastructure.Email;

/// <summary>
/// Wakes this instance's <see cref="OutboxWorker"/> when outbox rows were committed here, so a use case's mail leaves at
/// once rather than at the next poll. A poke carries no data: it only says "look now"; pokes that arrive while one is
/// waiting merge into it. Rows committed by other instances are found by the worker's poll.
/// </summary>
public sealed class OutboxSignal
{
    private readonly Channel<bool> channel = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    /// <summary>Asks the worker to look for due messages now.</summary>
    public void Poke() => channel.Writer.TryWrite(true);

    /// <summary>Completes when poked (consuming the poke), or when <paramref name="cancellationToken"/> is cancelled.</summary>
    internal async Task WaitAsync(CancellationToken cancellationToken)
    {
        await channel.Reader.WaitToReadAsync(cancellationToken);
        channel.Reader.TryRead(out _);
    }
}

/// <summary>
/// Pokes <see cref="OutboxSignal"/> once a save that added <see cref="OutboxMessage"/> rows is committed: at once for a
/// save outside a transaction, at the commit for a save inside one (never on a rollback: nothing to send). Registered on
/// every <see cref="Data.RosterDbContext"/> (pooled, so it keeps no state but a weak table keyed by context).
/// </summary>
public sealed class OutboxCommitInterceptor(OutboxSignal signal) : ISaveChangesInterceptor, IDbTransactionInterceptor
{
    // Contexts whose open transaction saved outbox rows. Weak: a context dropped without a commit or rollback leaves nothing.
    private readonly ConditionalWeakTable<DbContext, object> pending = [];

    private static readonly object Marker = new();

    public ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Note(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Note(eventData.Context);
        return result;
    }

    public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Saved(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Saved(eventData.Context);
        return result;
    }

    public Task TransactionCommittedAsync(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Committed(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionCommitted(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData) => Committed(eventData.Context);

    public Task TransactionRolledBackAsync(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData) => Forget(eventData.Context);

    private void Note(DbContext? context)
    {
        if (context is not null && context.ChangeTracker.Entries<OutboxMessage>().Any(entry => entry.State == EntityState.Added))
        {
            pending.AddOrUpdate(context, Marker);
        }
    }

    private void Saved(DbContext? context)
    {
        // Inside an explicit transaction the rows are not visible to the worker until the commit.
        if (context is not null && context.Database.CurrentTransaction is null && pending.Remove(context))
        {
            signal.Poke();
        }
    }

    private void Committed(DbContext? context)
    {
        if (context is not null && pending.Remove(context))
        {
            signal.Poke();
        }
    }

    private void Forget(DbContext? context)
    {
        if (context is not null)
        {
            pending.Remove(context);
        }
    }
}
