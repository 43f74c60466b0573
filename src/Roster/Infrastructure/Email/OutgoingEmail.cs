using System.Threading.Channels;

namespace Roster.Infrastructure.Email;

/// <summary>
/// Email that a request asks for but must not wait on (a notice to a workspace's Admins): <see cref="Enqueue"/> returns
/// at once, and a background service sends each message through <see cref="IMailer"/> after the response. The queue is
/// in memory and bounded (<see cref="Capacity"/> messages; beyond that a message is dropped and logged): a notice lost
/// in a crash is not sent again. Mail that a person is waiting for (a verification link) is sent by its request.
/// </summary>
public sealed partial class OutgoingEmail(ILogger<OutgoingEmail> logger)
{
    public const int Capacity = 1000;

    private readonly Channel<EmailMessage> channel = Channel.CreateBounded<EmailMessage>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    internal ChannelReader<EmailMessage> Reader => channel.Reader;

    /// <summary>Queues a message for sending; false (and logged) when the queue is full.</summary>
    public bool Enqueue(EmailMessage message)
    {
        if (channel.Writer.TryWrite(message))
        {
            return true;
        }

        LogDropped(message.Subject);
        return false;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The outgoing email queue is full: a message with subject \"{Subject}\" was dropped")]
    private partial void LogDropped(string subject);
}

/// <summary>
/// Sends what <see cref="OutgoingEmail"/> holds, one message at a time, until the app stops. A message the server does
/// not take is logged as an error (recipient, subject, the server's answer; never the body) and not retried: account
/// mail can be asked for again, and durable mail goes through <see cref="EmailOutbox"/> instead.
/// </summary>
public sealed partial class OutgoingEmailSender(OutgoingEmail queue, IMailer mailer, ILogger<OutgoingEmailSender> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var message in queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                var result = await mailer.SendAsync(message, stoppingToken);
                if (result.Outcome != MailOutcome.Sent)
                {
                    LogNotSent(message.To, message.Subject, result.Reason ?? "no reason given");
                }
            }
            catch (Exception exception) when (exception is IOException or InvalidOperationException or FormatException)
            {
                LogNotSent(message.To, message.Subject, exception.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Email to {To} with subject \"{Subject}\" was not sent: {Reason}")]
    private partial void LogNotSent(string to, string subject, string reason);
}
