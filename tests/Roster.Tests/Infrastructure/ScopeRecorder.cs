using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Roster.Tests.Infrastructure;

/// <summary>
/// A log provider that, like the console log with <c>IncludeScopes</c>, reads every scope open around each line it is
/// given (the framework's shared scope provider) and records each scope's text and its key/value pairs; and each line
/// itself: its category, its message as formatted, and its state's key/value pairs, as a structured log would print them.
/// </summary>
public sealed class ScopeRecorder : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> scopes = new();
    private readonly ConcurrentQueue<string> lines = new();
    private IExternalScopeProvider? provider;

    public IReadOnlyList<string> Scopes => [.. scopes];

    /// <summary>Every line: "category: message key=value ...".</summary>
    public IReadOnlyList<string> Lines => [.. lines];

    public ILogger CreateLogger(string categoryName) => new ScopeLogger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => provider = scopeProvider;

    public void Dispose()
    {
    }

    private static string Text(object? state) =>
        (state?.ToString() ?? "") + (state is IEnumerable<KeyValuePair<string, object?>> properties
            ? " " + string.Join(" ", properties.Select(property => $"{property.Key}={property.Value}"))
            : "");

    private sealed class ScopeLogger(ScopeRecorder recorder, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            recorder.lines.Enqueue($"{category}: {formatter(state, exception)} {Text(state)}");
            recorder.provider?.ForEachScope((scope, into) => into.Enqueue(Text(scope)), recorder.scopes);
        }
    }
}
