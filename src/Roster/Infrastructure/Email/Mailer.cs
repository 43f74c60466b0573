using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using Roster.Infrastructure.Data;

namespace Roster.Infrastructure.Email;

/// <summary>Bound from <c>Roster:Email</c>. With no SMTP host, messages go to the outbox folder instead.</summary>
public sealed class EmailOptions
{
    public string From { get; set; } = "Roster <no-reply@roster.localhost>";

    public string? SmtpHost { get; set; }

    public int SmtpPort { get; set; } = 587;

    /// <summary>Auto (STARTTLS when offered), StartTls, SslOnConnect or None.</summary>
    public string SmtpSecurity { get; set; } = "Auto";

    public string? SmtpUserName { get; set; }

    public string? SmtpPassword { get; set; }

    /// <summary>Where the outbox writes <c>.eml</c> files; relative paths are under the data folder.</summary>
    public string OutboxFolder { get; set; } = "outbox";
}

public sealed record EmailMessage(string To, string Subject, string TextBody, string HtmlBody);

/// <summary>What became of one message handed to an <see cref="IMailer"/>.</summary>
public enum MailOutcome
{
    /// <summary>The mail server accepted it (SMTP 250 after DATA), or it was written to the outbox folder.</summary>
    Sent = 0,

    /// <summary>
    /// Not sent, and trying again later may work: the server is down or unreachable, timed out, refused the login, or
    /// answered a 4xx (RFC 5321 section 4.2.1: "transient negative completion").
    /// </summary>
    TransientFailure = 1,

    /// <summary>
    /// Not sent, and sending the same message again will not work: the server refused the recipient or the message with
    /// a 5xx (RFC 5321 section 4.2.1: "permanent negative completion"), or the address cannot be parsed.
    /// </summary>
    PermanentFailure = 2,
}

/// <summary>
/// The outcome of <see cref="IMailer.SendAsync"/> and, when it failed, the reason in the server's words (shortened by
/// whoever stores it; it never holds the body).
/// </summary>
public sealed record MailResult(MailOutcome Outcome, string? Reason)
{
    public static MailResult Sent { get; } = new(MailOutcome.Sent, null);

    public static MailResult Transient(string reason) => new(MailOutcome.TransientFailure, reason);

    public static MailResult Permanent(string reason) => new(MailOutcome.PermanentFailure, reason);
}

/// <summary>Hands one message to the mail server (or the outbox folder).</summary>
public interface IMailer
{
    /// <summary>
    /// Sends <paramref name="message"/> and says whether the server accepted it. A failure the server or the network
    /// causes is a <see cref="MailResult"/>, not an exception (the caller decides whether to log, retry or give up); an
    /// exception means a bug or a cancellation.
    /// </summary>
    Task<MailResult> SendAsync(EmailMessage message, CancellationToken cancellationToken);
}

internal static class MimeMessages
{
    public static MimeMessage Build(EmailOptions options, EmailMessage message)
    {
        var mime = new MimeMessage();
        mime.From.Add(MailboxAddress.Parse(options.From));
        mime.To.Add(MailboxAddress.Parse(message.To));
        mime.Subject = message.Subject;
        mime.Body = new BodyBuilder { TextBody = message.TextBody, HtmlBody = message.HtmlBody }.ToMessageBody();
        return mime;
    }
}

/// <summary>
/// Sends through the configured SMTP server with MailKit, one connection a message, and reports the server's answer
/// (<see cref="MailResult"/>). A 5xx refusal of the recipient or of the message is permanent; a server that is down,
/// slow, refuses the login or answers 4xx is transient. It logs nothing itself: the account mail's sender
/// (<see cref="OutgoingEmailSender"/>) logs a failure as an error, the outbox's worker retries.
/// </summary>
public sealed class SmtpMailer(IOptions<EmailOptions> options) : IMailer
{
    /// <summary>How long one SMTP command may take before the try counts as a transient failure.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public async Task<MailResult> SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var security = Enum.TryParse<SecureSocketOptions>(settings.SmtpSecurity, ignoreCase: true, out var parsed)
            ? parsed
            : SecureSocketOptions.Auto;
        if (!MailboxAddress.TryParse(message.To, out _))
        {
            return MailResult.Permanent("the recipient's address cannot be parsed");
        }

        MimeMessage mime;
        try
        {
            mime = MimeMessages.Build(settings, message);
        }
        catch (ParseException exception)
        {
            // The recipient parsed, so it is the sender (Roster:Email:From): the operator's to fix, and the message may wait.
            return MailResult.Transient($"Roster:Email:From cannot be parsed: {exception.Message}");
        }

        var server = $"{settings.SmtpHost}:{settings.SmtpPort}";
        try
        {
            using var client = new SmtpClient { Timeout = (int)Timeout.TotalMilliseconds };
            await client.ConnectAsync(settings.SmtpHost ?? throw new InvalidOperationException("Roster:Email:SmtpHost is not set."), settings.SmtpPort, security, cancellationToken);
            if (!string.IsNullOrEmpty(settings.SmtpUserName))
            {
                await client.AuthenticateAsync(settings.SmtpUserName, settings.SmtpPassword ?? "", cancellationToken);
            }

            await client.SendAsync(mime, cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
            return MailResult.Sent;
        }
        catch (SmtpCommandException exception) when ((int)exception.StatusCode >= 500
            && exception.ErrorCode is SmtpErrorCode.RecipientNotAccepted or SmtpErrorCode.MessageNotAccepted)
        {
            return MailResult.Permanent($"the SMTP server {server} answered {(int)exception.StatusCode} {exception.Message}");
        }
        catch (SmtpCommandException exception)
        {
            return MailResult.Transient($"the SMTP server {server} answered {(int)exception.StatusCode} {exception.Message}");
        }
        catch (Exception exception) when (exception is IOException or System.Net.Sockets.SocketException or TimeoutException
            or MailKit.ProtocolException or MailKit.CommandException or MailKit.Security.AuthenticationException
            or MailKit.Security.SslHandshakeException or MailKit.ServiceNotConnectedException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return MailResult.Transient($"the SMTP server {server} answered {exception.Message}");
        }
    }
}

/// <summary>
/// The default with no SMTP server: each message becomes an <c>.eml</c> file in the outbox folder, and the log
/// says where. The log names the recipient and subject but never the body, which holds one-time links.
/// </summary>
public sealed partial class OutboxMailer(IOptions<EmailOptions> options, DataFolder dataFolder, TimeProvider time, ILogger<OutboxMailer> logger) : IMailer
{
    public async Task<MailResult> SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        var folder = dataFolder.Resolve(options.Value.OutboxFolder);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"{time.GetUtcNow():yyyyMMdd-HHmmss}-{Guid.NewGuid():N}.eml");
        // Written under a name no reader looks for, then renamed (atomic within one folder), so whoever watches the
        // outbox never reads a message half-written, as a maildir's tmp/ and new/ promise.
        var partial = path + ".partial";
        try
        {
            await MimeMessages.Build(options.Value, message).WriteToAsync(partial, cancellationToken);
            File.Move(partial, path);
        }
        catch (ParseException exception)
        {
            File.Delete(partial);
            return MailResult.Permanent($"the address cannot be sent to: {exception.Message}");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            File.Delete(partial);
            return MailResult.Transient($"the outbox folder could not be written: {exception.Message}");
        }

        LogWritten(message.To, message.Subject, path);
        return MailResult.Sent;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Email to {To} with subject \"{Subject}\" written to {Path} (no SMTP server is configured).")]
    private partial void LogWritten(string to, string subject, string path);
}
