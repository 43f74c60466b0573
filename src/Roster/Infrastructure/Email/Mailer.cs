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

public interface IMailer
{
    Task SendAsync(EmailMessage message, CancellationToken cancellationToken);
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
/// Sends through the configured SMTP server with MailKit. A server that is down or refuses the message is
/// logged as an error and does not fail the request that sent it: the account or invitation it belongs to
/// is already saved, and every email here can be asked for again.
/// </summary>
public sealed partial class SmtpMailer(IOptions<EmailOptions> options, ILogger<SmtpMailer> logger) : IMailer
{
    public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var security = Enum.TryParse<SecureSocketOptions>(settings.SmtpSecurity, ignoreCase: true, out var parsed)
            ? parsed
            : SecureSocketOptions.Auto;
        try
        {
            // Sent within the request, so an unreachable server may hold it for at most this long.
            using var client = new SmtpClient { Timeout = (int)TimeSpan.FromSeconds(10).TotalMilliseconds };
            await client.ConnectAsync(settings.SmtpHost ?? throw new InvalidOperationException("Roster:Email:SmtpHost is not set."), settings.SmtpPort, security, cancellationToken);
            if (!string.IsNullOrEmpty(settings.SmtpUserName))
            {
                await client.AuthenticateAsync(settings.SmtpUserName, settings.SmtpPassword ?? "", cancellationToken);
            }

            await client.SendAsync(MimeMessages.Build(settings, message), cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
        }
        catch (Exception exception) when (exception is IOException or System.Net.Sockets.SocketException
            or MailKit.ProtocolException or MailKit.CommandException or MailKit.Security.AuthenticationException
            or MailKit.Security.SslHandshakeException or MailKit.ServiceNotConnectedException)
        {
            LogNotSent(message.To, message.Subject, settings.SmtpHost, settings.SmtpPort, exception.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Email to {To} with subject \"{Subject}\" was not sent: the SMTP server {Host}:{Port} answered {Reason}")]
    private partial void LogNotSent(string to, string subject, string? host, int port, string reason);
}

/// <summary>
/// The default with no SMTP server: each message becomes an <c>.eml</c> file in the outbox folder, and the log
/// says where. The log names the recipient and subject but never the body, which holds one-time links.
/// </summary>
public sealed partial class OutboxMailer(IOptions<EmailOptions> options, DataFolder dataFolder, TimeProvider time, ILogger<OutboxMailer> logger) : IMailer
{
    public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken)
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
        catch
        {
            File.Delete(partial);
            throw;
        }

        LogWritten(message.To, message.Subject, path);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Email to {To} with subject \"{Subject}\" written to {Path} (no SMTP server is configured).")]
    private partial void LogWritten(string to, string subject, string path);
}
