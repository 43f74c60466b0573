using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Roster.Tests.Infrastructure;

/// <summary>
/// Records every formatted log message the app writes. The app's own filter rules (appsettings Logging)
/// apply before a message gets here, so this sees what a production log would: each message's text and its
/// structured parameters (scopes are left out, as the default console log leaves them out).
/// </summary>
public sealed class LogRecorder : ILoggerProvider
{
    private readonly ConcurrentQueue<string> entries = new();

    public IReadOnlyList<string> Entries => [.. entries];

    public ILogger CreateLogger(string categoryName) => new RecordingLogger(categoryName, entries);

    public void Dispose()
    {
    }

    private sealed class RecordingLogger(string category, ConcurrentQueue<string> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = $"{logLevel} {category}: {formatter(state, exception)}";
            // Structured sinks keep the message's parameters apart from its text: record them too.
            if (state is IEnumerable<KeyValuePair<string, object?>> properties)
            {
                text += " " + string.Join(" ", properties.Select(property => $"{property.Key}={property.Value}"));
            }

            entries.Enqueue(exception is null ? text : $"{text}{Environment.NewLine}{exception}");
        }
    }
}
