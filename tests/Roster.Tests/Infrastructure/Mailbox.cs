using System.Text.RegularExpressions;
using MimeKit;

namespace Roster.Tests.Infrastructure;

/// <summary>Every message the in-process SMTP server received, safe to read and wait on from parallel tests.</summary>
public sealed partial class Mailbox
{
    private readonly Lock gate = new();
    private readonly List<MimeMessage> messages = [];
    private TaskCompletionSource arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<MimeMessage> Messages
    {
        get
        {
            lock (gate)
            {
                return [.. messages];
            }
        }
    }

    public void Add(MimeMessage message)
    {
        TaskCompletionSource previous;
        lock (gate)
        {
            messages.Add(message);
            previous = arrived;
            arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        previous.SetResult();
    }

    /// <summary>The first message to <paramref name="to"/> that matches, waiting for it to arrive if need be.</summary>
    public async Task<MimeMessage> WaitForMessageAsync(string to, Func<MimeMessage, bool>? match = null, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            Task next;
            lock (gate)
            {
                var found = messages.FirstOrDefault(message => IsTo(message, to) && (match is null || match(message)));
                if (found is not null)
                {
                    return found;
                }

                next = arrived.Task;
            }

            try
            {
                await next.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No matching email to {to} arrived in time; {Messages.Count} messages in the mailbox.");
            }
        }
    }

    /// <summary>The first http(s) link in the message's text body.</summary>
    public static Uri FirstLink(MimeMessage message)
    {
        var text = message.TextBody ?? throw new InvalidOperationException("The message has no text body.");
        var link = LinkPattern().Match(text);
        return link.Success
            ? new Uri(link.Value)
            : throw new InvalidOperationException($"No link in the message \"{message.Subject}\".");
    }

    private static bool IsTo(MimeMessage message, string to) =>
        message.To.Mailboxes.Any(mailbox => string.Equals(mailbox.Address, to, StringComparison.OrdinalIgnoreCase));

    [GeneratedRegex(@"https?://\S+")]
    private static partial Regex LinkPattern();
}
