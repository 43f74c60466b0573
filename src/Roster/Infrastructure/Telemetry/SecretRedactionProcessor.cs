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
            if (tag.Value is string text && SecretRedaction.Redact(text) is var redacted && !ReferenceEquals(redacted, text))
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
}
