using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Roster.Infrastructure.Data;
using Roster.Infrastructure.Text;

namespace Roster.Infrastructure.Email;

/// <summary>
/// The durable outbox's writing side: a use case adds its messages to its own <see cref="RosterDbContext"/>, and they are
/// saved by its <c>SaveChanges</c>, in its transaction. So a message exists if and only if the change it tells about
/// committed, and no request waits on a mail server. The background worker delivers and retries them.
/// </summary>
public sealed class EmailOutbox(RosterDbContext db, IDataProtectionProvider dataProtection, TimeProvider time)
{
    /// <summary>The data-protection purpose of stored bodies.</summary>
    public const string Purpose = "Roster.EmailOutbox";

    private readonly IDataProtector protector = dataProtection.CreateProtector(Purpose);

    /// <summary>
    /// Adds <paramref name="message"/> to the context (not saved: the caller saves, in its transaction) and returns its
    /// id, which the caller may keep to show the delivery status. <paramref name="kind"/> is a stable key of at most
    /// 64 characters (<c>email_invitation</c>). The subject is shortened to 200 characters.
    /// </summary>
    public Guid Add(EmailMessage message, string kind)
    {
        var body = JsonSerializer.Serialize(new StoredBody(message.TextBody, message.HtmlBody));
        var row = new OutboxMessage(kind, message.To, StorableText.Truncate(message.Subject, OutboxMessage.SubjectMaxLength), protector.Protect(body), time.GetUtcNowForStorage());
        db.Add(row);
        return row.Id;
    }

    /// <summary>The message as it was added, from a stored row's <see cref="OutboxMessage.ProtectedBody"/>.</summary>
    public EmailMessage Read(OutboxMessage row)
    {
        var body = JsonSerializer.Deserialize<StoredBody>(protector.Unprotect(row.ProtectedBody ?? throw new InvalidOperationException("The message was already delivered or has failed: its body is cleared.")))!;
        return new EmailMessage(row.To, row.Subject, body.Text, body.Html);
    }

    private sealed record StoredBody(string Text, string Html);
}
