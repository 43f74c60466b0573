using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Roster.Tests.Infrastructure;

/// <summary>
/// Counts the database commands each request sends, for requests that carry <see cref="Header"/>: the hot paths
/// promise a number of round trips, and this holds them to it.
/// </summary>
public sealed class CommandCounter(IHttpContextAccessor http) : DbCommandInterceptor
{
    public const string Header = "X-Test-Request";

    private readonly ConcurrentDictionary<string, List<string>> commands = new();

    /// <summary>The SQL of every command the request tagged <paramref name="requestId"/> sent.</summary>
    public IReadOnlyList<string> CommandsOf(string requestId) =>
        commands.TryGetValue(requestId, out var list) ? [.. list] : [];

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return base.ScalarExecutingAsync(command, eventData, result, cancellationToken);
    }

    private void Record(DbCommand command)
    {
        if (http.HttpContext?.Request.Headers[Header].ToString() is { Length: > 0 } id)
        {
            var list = commands.GetOrAdd(id, _ => []);
            lock (list)
            {
                list.Add(command.CommandText);
            }
        }
    }
}
