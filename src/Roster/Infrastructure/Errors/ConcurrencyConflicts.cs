using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Roster.Infrastructure.Errors;

/// <summary>
/// The backstop for writes that raced another request on the same row and lost: a conflict that reaches the top of a
/// request is the caller's to retry, never a 500. Use cases guard their rows first (conditional updates, locks taken
/// before a read, keys that refuse a duplicate) and answer their own codes; this catches what they did not foresee.
/// </summary>
public static class ConcurrencyConflicts
{
    /// <summary>The stable code of a write that lost a race (409).</summary>
    public const string Code = "request.conflict";

    /// <summary>What the caller reads: nothing was saved, and trying again is safe.</summary>
    public const string Title = "What you changed was changed by someone else at the same time, so nothing was saved; try again.";

    /// <summary>
    /// Whether the exception, or one it wraps, is a lost race: EF Core's optimistic concurrency failure (an update or
    /// delete that found its row changed or gone), PostgreSQL's serialization failure (40001), deadlock (40P01) or
    /// unique violation (23505) or foreign-key violation (23503: the row it hangs under, such as its workspace, was deleted
    /// meanwhile), or SQLite's unique, primary-key or foreign-key violation (what two inserts of one key at once, or an
    /// insert beside a delete, give). Use cases catch these to answer as if the requests had come one after the other.
    /// </summary>
    public static bool IsConflict(Exception exception) => Find(exception) is (_, false);

    /// <summary>
    /// Whether the exception, or one it wraps, is SQLite's <c>SQLITE_BUSY</c> (5, with its extended codes such as
    /// <c>SQLITE_BUSY_SNAPSHOT</c>: another connection held the write lock past the busy timeout, or wrote after this
    /// transaction's read). Not <c>SQLITE_LOCKED</c> (6): without a shared cache that is a conflict inside one
    /// connection (a schema change beside an open statement), a fault to log at error, not a client's to retry. Not a lost race on a key (<see cref="IsConflict"/> is false, so
    /// no use case mistakes it for "the row exists"), but nothing was saved and the same request sent again can succeed.
    /// </summary>
    public static bool IsBusy(Exception exception) => Find(exception) is (_, true);

    /// <summary>
    /// Whether a request that failed with the exception is answered 409 <c>request.conflict</c>: a lost race
    /// (<see cref="IsConflict"/>) or a busy SQLite database (<see cref="IsBusy"/>). "database is locked" is never a
    /// client's to read, and neither is a 500 for what trying again fixes.
    /// </summary>
    public static bool AnswersConflict(Exception exception) => Find(exception) is not null;

    /// <summary>
    /// The conflict for the log: its type and database code (such as <c>PostgresException 23505</c> or
    /// <c>SqliteException 5/517</c>), never its message, which can quote the row's values (PostgreSQL's unique violation
    /// names the key, an email address for one). Null when <see cref="AnswersConflict"/> is false.
    /// </summary>
    public static string? Describe(Exception exception) => Find(exception)?.Kind;

    private static (string Kind, bool Busy)? Find(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case DbUpdateConcurrencyException:
                    return (nameof(DbUpdateConcurrencyException), false);
                case PostgresException { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.ForeignKeyViolation } postgres:
                    return ($"{nameof(PostgresException)} {postgres.SqlState}", false);
                case SqliteException { SqliteErrorCode: SqliteConstraint, SqliteExtendedErrorCode: SqliteConstraintUnique or SqliteConstraintPrimaryKey or SqliteConstraintForeignKey } sqlite:
                    return ($"{nameof(SqliteException)} {sqlite.SqliteErrorCode}/{sqlite.SqliteExtendedErrorCode}", false);
                case SqliteException { SqliteErrorCode: SqliteBusy } sqlite:
                    return ($"{nameof(SqliteException)} {sqlite.SqliteErrorCode}/{sqlite.SqliteExtendedErrorCode}", true);
            }
        }

        return null;
    }

    /// <summary>
    /// For <see cref="Microsoft.AspNetCore.Builder.ExceptionHandlerOptions.SuppressDiagnosticsCallback"/>: whether the
    /// exception handler leaves out its own error-level "unhandled exception" line, as it does by default for what an
    /// <see cref="IExceptionHandler"/> answered. A lost race is logged once, at warning, by
    /// <see cref="ConcurrencyConflictExceptionHandler"/>: an error line for a client's retry would page an operator for nothing.
    /// </summary>
    public static bool SuppressErrorLog(ExceptionHandlerSuppressDiagnosticsContext context) =>
        context.ExceptionHandledBy == ExceptionHandledType.ExceptionHandlerService || AnswersConflict(context.Exception);

    /// <summary>The status for the page branch's exception handler: 409 for a lost race or a busy database, else 500.</summary>
    public static int StatusCodeFor(Exception exception) =>
        AnswersConflict(exception) ? StatusCodes.Status409Conflict : StatusCodes.Status500InternalServerError;

    // SQLite's result codes (sqlite3.h): SQLITE_BUSY, SQLITE_CONSTRAINT and its UNIQUE, PRIMARYKEY and
    // FOREIGNKEY extended codes.
    private const int SqliteBusy = 5;
    private const int SqliteConstraint = 19;
    private const int SqliteConstraintPrimaryKey = 1555;
    private const int SqliteConstraintUnique = 2067;
    private const int SqliteConstraintForeignKey = 787;
}

/// <summary>
/// Answers a lost race on the API with 409 problem+json <c>request.conflict</c>. Pages get the calm error page instead:
/// their exception handler maps the same exceptions to 409 (<see cref="ConcurrencyConflicts.StatusCodeFor"/>), and
/// this handler only logs them there. Either way the log line is a warning, and the exception handler's own error line
/// is left out (<see cref="ConcurrencyConflicts.SuppressErrorLog"/>).
/// </summary>
public sealed partial class ConcurrencyConflictExceptionHandler(ILogger<ConcurrencyConflictExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (ConcurrencyConflicts.Describe(exception) is not { } conflict)
        {
            return false;
        }

        // Worth knowing (a use case that could guard its row better), not an error of the server.
        LostRace(logger, conflict);
        if (!httpContext.Request.Path.StartsWithSegments("/api"))
        {
            // The page branch re-executes the error page with 409.
            return false;
        }

        await ProblemResults.Problem(StatusCodes.Status409Conflict, ConcurrencyConflicts.Code, ConcurrencyConflicts.Title).ExecuteAsync(httpContext);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A write lost a race with another request and was answered 409 request.conflict: {Exception}")]
    private static partial void LostRace(ILogger logger, string exception);
}
