using Microsoft.Extensions.Logging;

namespace Roster.Infrastructure.Telemetry;

/// <summary>
/// ASP.NET Core's hosting opens a log scope for every request (category <c>Microsoft.AspNetCore.Hosting.Diagnostics</c>,
/// <c>RequestPath</c> and <c>RequestId</c>) holding the raw path, an invitation token included, and every line logged
/// during the request carries it where scopes are printed (the JSON console formatter with <c>IncludeScopes</c>). The
/// scope's state is the framework's own internal type, built before any middleware runs, so it is replaced where it is
/// opened: this logger factory wraps that one category's logger, whose scope and request lines (<c>Request starting
/// ...</c>, at Information) pass through <see cref="SecretRedaction"/>. Every other category gets the framework's logger
/// untouched, at no cost.
/// </summary>
internal sealed class RequestScopeRedactingLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    /// <summary>The category of the hosting layer's request scope and request lines.</summary>
    internal const string HostingCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    public ILogger CreateLogger(string categoryName)
    {
        var logger = inner.CreateLogger(categoryName);
        return string.Equals(categoryName, HostingCategory, StringComparison.Ordinal) ? new RedactingLogger(logger) : logger;
    }

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose() => inner.Dispose();

    private sealed class RedactingLogger(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull =>
            state is IReadOnlyList<KeyValuePair<string, object?>> properties ? inner.BeginScope(RedactedState.From(properties)) : inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!inner.IsEnabled(logLevel))
            {
                return;
            }

            var message = SecretRedaction.Redact(formatter(state, exception));
            var redacted = state is IReadOnlyList<KeyValuePair<string, object?>> properties ? RedactedState.From(properties, message) : new RedactedState([], message);
            inner.Log(logLevel, eventId, redacted, exception, static (s, _) => s.ToString());
        }
    }

    /// <summary>A scope or message state with every string value redacted; its text is the redacted original's.</summary>
    private sealed class RedactedState(KeyValuePair<string, object?>[] properties, string text) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public int Count => properties.Length;

        public KeyValuePair<string, object?> this[int index] => properties[index];

        public static RedactedState From(IReadOnlyList<KeyValuePair<string, object?>> state, string? text = null)
        {
            var copy = new KeyValuePair<string, object?>[state.Count];
            for (var i = 0; i < copy.Length; i++)
            {
                var (key, value) = state[i];
                copy[i] = new(key, value is string or PathString or QueryString or Uri ? SecretRedaction.Redact(value.ToString() ?? "") : value);
            }

            return new RedactedState(copy, text ?? SecretRedaction.Redact(state.ToString() ?? ""));
        }

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)properties).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => text;
    }
}
