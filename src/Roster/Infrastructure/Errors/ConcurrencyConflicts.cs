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
    /// insert beside a delete, give).
    /// </summary>
    public static bool IsConflict(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case DbUpdateConcurrencyException:
                case PostgresException { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.ForeignKeyViolation }:
                case SqliteException { SqliteErrorCode: SqliteConstraint, SqliteExtendedErrorCode: SqliteConstraintUnique or SqliteConstraintPrimaryKey or SqliteConstraintForeignKey }:
                    return true;
            }
        }

        return false;
    }

    /// <summary>The status for the page branch's exception handler: 409 for a lost race, else 500.</summary>
    public static int StatusCodeFor(Exception exception) =>
        IsConflict(exception) ? StatusCodes.Status409Conflict : StatusCodes.Status500InternalServerError;

    // SQLite's result codes (sqlite3.h): SQLITE_CONSTRAINT and its UNIQUE and PRIMARYKEY extended codes.
    private const int SqliteConstraint = 19;
    private const int SqliteConstraintPrimaryKey = 1555;
    private const int SqliteConstraintUnique = 2067;
    private const int SqliteConstraintForeignKey = 787;
}

/// <summary>
/// Answers a lost race on the API with 409 problem+json <c>request.conflict</c>. Pages get the calm error page instead:
/// their exception handler maps the same exceptions to 409 (<see cref="ConcurrencyConflicts.StatusCodeFor"/>).
/// </summary>
public sealed partial class ConcurrencyConflictExceptionHandler(ILogger<ConcurrencyConflictExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!httpContext.Request.Path.StartsWithSegments("/api") || !ConcurrencyConflicts.IsConflict(exception))
        {
            return false;
        }

        // Worth knowing (a use case that could guard its row better), not an error of the server.
        LostRace(logger, exception.GetType().Name);
        await ProblemResults.Problem(StatusCodes.Status409Conflict, ConcurrencyConflicts.Code, ConcurrencyConflicts.Title).ExecuteAsync(httpContext);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A write lost a race with another request and was answered 409 request.conflict: {Exception}")]
    private static partial void LostRace(ILogger logger, string exception);
}
