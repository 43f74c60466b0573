using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Roster.Infrastructure.Telemetry;

/// <summary>
/// Every log line and scope passes <see cref="SecretRedaction"/> before any provider sees it, whatever its category and
/// level. The framework prints raw request paths and query strings in many places: the hosting layer's scope around
/// each request (<c>RequestPath</c>, printed by the JSON console formatter with <c>IncludeScopes</c>) and its
/// <c>Request starting ...</c> line at Information, and at Debug and Trace routing's "no candidates for the request
/// path", static files' "does not match a supported file type", MVC's route values, minimal APIs' binding failures.
/// An operator who turns a category up to find a problem must not find the invitation tokens and codes with it
/// (OWASP ASVS 4.0 V7.1.1). This logger factory wraps each category's logger; a line that is not enabled costs one more
/// call, and an enabled one is formatted once, redacted, and handed on with its key/value pairs redacted too.
/// </summary>
/// <remarks>An exception's own message and stack are handed on as they are.</remarks>
internal sealed class RedactingLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    private readonly ConcurrentDictionary<string, ILogger> loggers = new(StringComparer.Ordinal);

    public ILogger CreateLogger(string categoryName) =>
        loggers.GetOrAdd(categoryName, static (category, factory) => new RedactingLogger(factory.CreateLogger(category)), inner);

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose() => inner.Dispose();

    private sealed class RedactingLogger(ILogger inner) : ILogger
    {
        // Most scopes and lines hold no secret (a connection id, an action name): they are handed on as they are, with no copy.
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull =>
            state is IReadOnlyList<KeyValuePair<string, object?>> properties && RedactedState.NeedsRedaction(properties)
                ? inner.BeginScope(RedactedState.From(properties))
                : inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!inner.IsEnabled(logLevel))
            {
                return;
            }

            var formatted = formatter(state, exception);
            var message = SecretRedaction.Redact(formatted);
            if (state is IReadOnlyList<KeyValuePair<string, object?>> properties)
            {
                if (ReferenceEquals(message, formatted) && !RedactedState.NeedsRedaction(properties))
                {
                    inner.Log(logLevel, eventId, state, exception, formatter);
                    return;
                }

                inner.Log(logLevel, eventId, RedactedState.From(properties, message), exception, static (s, _) => s.ToString());
                return;
            }

            inner.Log(logLevel, eventId, new RedactedState([], message), exception, static (s, _) => s.ToString());
        }
    }

    /// <summary>A scope or message state with every string value redacted; its text is the redacted original's.</summary>
    private sealed class RedactedState(KeyValuePair<string, object?>[] properties, string text) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public int Count => properties.Length;

        public KeyValuePair<string, object?> this[int index] => properties[index];

        /// <summary>Whether any value of <paramref name="state"/>, or its text, holds a secret to take out.</summary>
        public static bool NeedsRedaction(IReadOnlyList<KeyValuePair<string, object?>> state)
        {
            for (var i = 0; i < state.Count; i++)
            {
                if (state[i].Value is string or PathString or QueryString or Uri
                    && state[i].Value!.ToString() is { } text && !ReferenceEquals(SecretRedaction.Redact(text), text))
                {
                    return true;
                }
            }

            var whole = state.ToString() ?? "";
            return !ReferenceEquals(SecretRedaction.Redact(whole), whole);
        }

        public static RedactedState From(IReadOnlyList<KeyValuePair<string, object?>> state, string? text = null)
        {
            var copy = new KeyValuePair<string, object?>[state.Count];
            for (var i = 0; i < copy.Length; i++)
            {
                var (key, value) = state[i];
                copy[i] = new(key, Redacted(value) ?? value);
            }

            return new RedactedState(copy, text ?? SecretRedaction.Redact(state.ToString() ?? ""));
        }

        /// <summary>A text-like value's redacted text; null for any other value.</summary>
        private static string? Redacted(object? value) => value switch
        {
            string text => SecretRedaction.Redact(text),
            PathString or QueryString or Uri => SecretRedaction.Redact(value.ToString() ?? ""),
            _ => null,
        };

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)properties).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => text;
    }
}
