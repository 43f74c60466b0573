using System.Diagnostics;
using OpenTelemetry;

namespace Roster.Infrastructure.Telemetry;

/// <summary>
/// Runs before the exporter on every finished span: its name, every string attribute (<c>url.path</c>,
/// <c>url.full</c>, <c>url.query</c>, <c>http.route</c>, <c>db.*</c>, whatever an instrumentation adds) and its status
/// description pass through <see cref="SecretRedaction"/>. Tags are rewritten only where one changes.
/// </summary>
internal sealed class SecretRedactionProcessor : BaseProcessor<Activity>
{
    /// <inheritdoc />
    public override void OnEnd(Activity data)
    {
        data.DisplayName = SecretRedaction.Redact(data.DisplayName);
        List<KeyValuePair<string, string>>? changed = null;
        foreach (ref readonly var tag in data.EnumerateTagObjects())
        {
            if (tag.Value is string text && RedactTag(tag.Key, text) is var redacted && !ReferenceEquals(redacted, text))
            {
                (changed ??= []).Add(new(tag.Key, redacted));
            }
        }

        if (changed is not null)
        {
            foreach (var (key, value) in changed)
            {
                data.SetTag(key, value);
            }
        }

        if (data.StatusDescription is { } description)
        {
            data.SetStatus(data.Status, SecretRedaction.Redact(description));
        }
    }

    /// <summary>
    /// <c>url.query</c> is written without its leading '?' by the semantic conventions (<c>token=...&amp;x=1</c>): its
    /// first value is redacted as a query's first value would be.
    /// </summary>
    internal static string RedactTag(string key, string text)
    {
        if (key == "url.query" && text.Length > 0 && text[0] != '?')
        {
            var redacted = SecretRedaction.Redact("?" + text);
            return redacted == "?" + text ? text : redacted[1..];
        }

        return SecretRedaction.Redact(text);
    }
}
