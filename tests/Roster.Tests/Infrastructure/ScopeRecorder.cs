using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Roster.Tests.Infrastructure;

/// <summary>
/// A log provider that, like the console log with <c>IncludeScopes</c>, reads every scope open around each line it is
/// given (the framework's shared scope provider) and records each scope's text and its key/value pairs.
/// </summary>
public sealed class ScopeRecorder : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> scopes = new();
    private IExternalScopeProvider? provider;

    public IReadOnlyList<string> Scopes => [.. scopes];

    public ILogger CreateLogger(string categoryName) => new ScopeLogger(this);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => provider = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class ScopeLogger(ScopeRecorder recorder) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            recorder.provider?.ForEachScope(
                (scope, into) =>
                {
                    var text = scope?.ToString() ?? "";
                    if (scope is IEnumerable<KeyValuePair<string, object?>> properties)
                    {
                        text += " " + string.Join(" ", properties.Select(property => $"{property.Key}={property.Value}"));
                    }

                    into.Enqueue(text);
                },
                recorder.scopes);
    }
}
