using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Roster.Infrastructure.Data;

/// <summary>
/// SQLite's single writer, queued in process: a write (a transaction, or a writing statement outside one) first waits
/// its turn here, asynchronously, and only then asks SQLite for the write lock, which it therefore gets at once.
/// </summary>
/// <remarks>
/// <para>
/// SQLite lets one connection write at a time. Without this gate, a second writer's <c>BEGIN IMMEDIATE</c> fails with
/// <c>SQLITE_BUSY</c> and Microsoft.Data.Sqlite retries it after blocking its thread for 150 ms (until the command
/// timeout, 30 s, then "database is locked"): under concurrent accepts most of a request's time was that sleep, and the
/// blocked threads starved the thread pool. Here writers wait in a FIFO <see cref="SemaphoreSlim"/> without a thread,
/// and are handed the lock as soon as the previous writer commits. Readers never wait (WAL: a reader sees the last
/// committed snapshot beside the writer).
/// </para>
/// <para>
/// The gate belongs to the connection that entered it, until its transaction commits or rolls back (or fails to
/// begin), its writing statement completes, or the connection closes (a transaction disposed without either closes its
/// connection, and a pooled context closes its connection when the request ends), so it cannot be left held.
/// The same connection entering again (a transaction after a write on a connection kept open) does not wait for itself.
/// </para>
/// <para>
/// This assumes one process writes the database file, which is what Roster supports on SQLite (several instances
/// need PostgreSQL, SPEC section 9). Another process writing the same file still meets SQLite's own lock.
/// A writer waits at most <see cref="MaxWait"/> (the command timeout); past it the request fails with
/// <see cref="TimeoutException"/>, which only a writer holding the lock that long (a fault) can cause.
/// </para>
/// </remarks>
public sealed class SqliteWriteGate : IDisposable
{
    /// <summary>How long a writer waits for its turn before failing: Microsoft.Data.Sqlite's default command timeout.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim turn = new(1, 1);
    private readonly ConditionalWeakTable<DbConnection, object> watched = [];
    private readonly Lock ownerLock = new();
    private DbConnection? owner;
    private bool ownedForTransaction;

    /// <summary>Writers waiting for their turn now, for tests and metrics.</summary>
    public int Waiting => Volatile.Read(ref waiting);

    private int waiting;

    /// <summary>
    /// Waits for the writer's turn for <paramref name="connection"/>. <paramref name="forTransaction"/>: held until the
    /// transaction ends (else until the statement completes). Returns at once when the connection already holds it.
    /// </summary>
    public async ValueTask EnterAsync(DbConnection connection, bool forTransaction, CancellationToken cancellationToken)
    {
        if (TryReenter(connection, forTransaction))
        {
            return;
        }

        Interlocked.Increment(ref waiting);
        bool entered;
        try
        {
            entered = await turn.WaitAsync(MaxWait, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref waiting);
        }

        Own(connection, forTransaction, entered);
    }

    /// <summary>The synchronous form of <see cref="EnterAsync"/>, for EF's synchronous calls.</summary>
    public void Enter(DbConnection connection, bool forTransaction)
    {
        if (TryReenter(connection, forTransaction))
        {
            return;
        }

        Interlocked.Increment(ref waiting);
        bool entered;
        try
        {
            entered = turn.Wait(MaxWait);
        }
        finally
        {
            Interlocked.Decrement(ref waiting);
        }

        Own(connection, forTransaction, entered);
    }

    /// <summary>Gives the turn back if <paramref name="connection"/> holds it: its transaction ended.</summary>
    public void ExitTransaction(DbConnection? connection) => Exit(connection, transactionEnded: true);

    /// <summary>Gives the turn back if <paramref name="connection"/> holds it for one statement, which completed.</summary>
    public void ExitStatement(DbConnection? connection) => Exit(connection, transactionEnded: false);

    /// <summary>Frees the semaphore when the app's services are disposed.</summary>
    public void Dispose() => turn.Dispose();

    private bool TryReenter(DbConnection connection, bool forTransaction)
    {
        lock (ownerLock)
        {
            if (!ReferenceEquals(owner, connection))
            {
                return false;
            }

            ownedForTransaction |= forTransaction;
            return true;
        }
    }

    private void Own(DbConnection connection, bool forTransaction, bool entered)
    {
        if (!entered)
        {
            throw new TimeoutException(
                $"A database write waited {MaxWait.TotalSeconds:0} s for SQLite's single writer: another write held it that long.");
        }

        lock (ownerLock)
        {
            owner = connection;
            ownedForTransaction = forTransaction;
        }

        // The last resort: a connection that closes gives its turn back, whatever it was doing.
        if (!watched.TryGetValue(connection, out _))
        {
            watched.AddOrUpdate(connection, this);
            connection.StateChange += OnStateChange;
        }
    }

    private void OnStateChange(object? sender, StateChangeEventArgs change)
    {
        if (change.CurrentState == ConnectionState.Closed)
        {
            Exit(sender as DbConnection, transactionEnded: true);
        }
    }

    private void Exit(DbConnection? connection, bool transactionEnded)
    {
        lock (ownerLock)
        {
            if (connection is null || !ReferenceEquals(owner, connection) || (ownedForTransaction && !transactionEnded))
            {
                return;
            }

            owner = null;
            ownedForTransaction = false;
        }

        turn.Release();
    }
}

/// <summary>
/// Puts every SQLite write through <see cref="SqliteWriteGate"/>: transactions (begun by this interceptor once it has
/// the turn; EF's own around a multi-statement
/// <c>SaveChanges</c>, and the use cases' explicit ones) from their start to their end, and a writing statement
/// outside a transaction (<c>ExecuteUpdate</c>, a one-statement <c>SaveChanges</c>) while it runs. Statements that
/// start with <c>SELECT</c> outside a transaction are reads and pass freely.
/// </summary>
public sealed class SqliteWriteGateInterceptor(SqliteWriteGate gate) : IDbTransactionInterceptor, IDbCommandInterceptor
{
    // The interceptor begins the transaction itself once it has the turn, so that a BEGIN that fails (a canceled request,
    // another process holding the file) gives the turn back at once; EF Core raises no transaction event for it.
    public async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        await gate.EnterAsync(connection, forTransaction: true, cancellationToken);
        try
        {
            return InterceptionResult<DbTransaction>.SuppressWithResult(
                await connection.BeginTransactionAsync(eventData.IsolationLevel, cancellationToken));
        }
        catch
        {
            gate.ExitTransaction(connection);
            throw;
        }
    }

    public InterceptionResult<DbTransaction> TransactionStarting(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        gate.Enter(connection, forTransaction: true);
        try
        {
            return InterceptionResult<DbTransaction>.SuppressWithResult(connection.BeginTransaction(eventData.IsolationLevel));
        }
        catch
        {
            gate.ExitTransaction(connection);
            throw;
        }
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => gate.ExitTransaction(eventData.Context?.Database.GetDbConnection());

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        gate.ExitTransaction(eventData.Context?.Database.GetDbConnection());
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => gate.ExitTransaction(eventData.Context?.Database.GetDbConnection());

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        gate.ExitTransaction(eventData.Context?.Database.GetDbConnection());
        return Task.CompletedTask;
    }

    // A failed commit, rollback or savepoint may leave SQLite's transaction open: the turn stays with the connection
    // until the transaction is disposed, which closes the connection (or, on a connection its code opened, until the
    // request's context closes it).

    public ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default) =>
        EnterForStatementAsync(command, result, cancellationToken);

    public InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result) =>
        EnterForStatement(command, result);

    public ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default) =>
        EnterForStatementAsync(command, result, cancellationToken);

    public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result) =>
        EnterForStatement(command, result);

    public ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default) =>
        EnterForStatementAsync(command, result, cancellationToken);

    public InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result) =>
        EnterForStatement(command, result);

    // A reader's statement runs while it is read (an INSERT ... RETURNING holds the lock until the reader is done).
    public InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData eventData, InterceptionResult result)
    {
        gate.ExitStatement(command.Connection);
        return result;
    }

    public int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        gate.ExitStatement(command.Connection);
        return result;
    }

    public ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        gate.ExitStatement(command.Connection);
        return ValueTask.FromResult(result);
    }

    public object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
    {
        gate.ExitStatement(command.Connection);
        return result;
    }

    public ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
    {
        gate.ExitStatement(command.Connection);
        return ValueTask.FromResult(result);
    }

    public void CommandFailed(DbCommand command, CommandErrorEventData eventData) => gate.ExitStatement(command.Connection);

    public Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        gate.ExitStatement(command.Connection);
        return Task.CompletedTask;
    }

    public void CommandCanceled(DbCommand command, CommandEndEventData eventData) => gate.ExitStatement(command.Connection);

    public Task CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken = default)
    {
        gate.ExitStatement(command.Connection);
        return Task.CompletedTask;
    }

    /// <summary>Takes the turn for a writing statement outside a transaction (<see cref="Writes"/>), then lets it run.</summary>
    private async ValueTask<T> EnterForStatementAsync<T>(DbCommand command, T result, CancellationToken cancellationToken)
    {
        if (Writes(command))
        {
            await gate.EnterAsync(command.Connection!, forTransaction: false, cancellationToken);
        }

        return result;
    }

    /// <summary>The synchronous form of <see cref="EnterForStatementAsync"/>.</summary>
    private T EnterForStatement<T>(DbCommand command, T result)
    {
        if (Writes(command))
        {
            gate.Enter(command.Connection!, forTransaction: false);
        }

        return result;
    }

    /// <summary>A statement outside a transaction that is not a plain read (EF's reads all start with SELECT).</summary>
    private static bool Writes(DbCommand command) =>
        command.Transaction is null && !command.CommandText.AsSpan().TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase);
}
