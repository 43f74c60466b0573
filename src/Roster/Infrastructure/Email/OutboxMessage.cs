namespace Roster.Infrastructure.Email;

/// <summary>Where an <see cref="OutboxMessage"/> stands. Stored as its name in lower case.</summary>
public enum OutboxMessageStatus
{
    /// <summary>Waiting for its first try, or for the next one after a failed try (<see cref="OutboxMessage.NextAttemptAt"/>).</summary>
    Pending = 0,

    /// <summary>The mail server accepted it (<see cref="OutboxMessage.SentAt"/>); its body is cleared.</summary>
    Sent = 1,

    /// <summary>Given up after the last retry, or the mail server refused the address for good; its body is cleared.</summary>
    Failed = 2,
}

/// <summary>
/// One email in the durable outbox (SPEC section 4, email invitations; section 5, notifications): written by a use case
/// in its own transaction (<see cref="EmailOutbox.Add"/>), so the message exists exactly when the change that asks for it
/// commits, and delivered afterwards by the background worker of whichever instance claims it first. Its body may hold a
/// one-time link, so it is stored encrypted with the app's data-protection keys and cleared once the message is sent or
/// has failed for good; only the recipient, subject and delivery facts stay, for the Admin's delivery status.
/// </summary>
public sealed class OutboxMessage
{
    public const int KindMaxLength = 64;
    public const int ToMaxLength = 254;
    public const int SubjectMaxLength = 200;
    public const int ErrorMaxLength = 300;

    private OutboxMessage()
    {
    }

    internal OutboxMessage(string kind, string to, string subject, string protectedBody, DateTimeOffset createdAt)
    {
        Id = Guid.CreateVersion7(createdAt);
        Kind = kind;
        To = to;
        Subject = subject;
        ProtectedBody = protectedBody;
        CreatedAt = createdAt;
        NextAttemptAt = createdAt;
        Status = OutboxMessageStatus.Pending;
    }

    public Guid Id { get; private set; }

    /// <summary>What the message is for (<c>email_invitation</c>, <c>join_request.created</c>, ...): a stable key, for logs and metrics.</summary>
    public string Kind { get; private set; } = "";

    /// <summary>The recipient's address.</summary>
    public string To { get; private set; } = "";

    public string Subject { get; private set; } = "";

    /// <summary>
    /// The text and HTML bodies, serialized and protected by <see cref="EmailOutbox"/> (data protection, purpose
    /// <c>Roster.EmailOutbox</c>); null once the message is sent or has failed for good.
    /// </summary>
    public string? ProtectedBody { get; private set; }

    public OutboxMessageStatus Status { get; private set; }

    /// <summary>When the message was added (UTC).</summary>
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>When a worker may try it next (UTC): its creation, then later after each failed try.</summary>
    public DateTimeOffset NextAttemptAt { get; private set; }

    /// <summary>How many times a worker tried to send it.</summary>
    public int Attempts { get; private set; }

    /// <summary>
    /// Until when (UTC) the worker that claimed it owns it: another instance takes it only after that, so a message is
    /// sent by one worker at a time. Null while nobody holds it.
    /// </summary>
    public DateTimeOffset? LockedUntil { get; private set; }

    /// <summary>When the mail server accepted it (UTC).</summary>
    public DateTimeOffset? SentAt { get; private set; }

    /// <summary>The last failure, in the mail server's words, shortened (never a body, never a token).</summary>
    public string? LastError { get; private set; }
}
