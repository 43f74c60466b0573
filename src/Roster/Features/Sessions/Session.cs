namespace Roster.Features.Sessions;

/// <summary>How a session was opened: the dashboard's cookie, or Identity's bearer tokens on the API.</summary>
public enum SessionKind
{
    Cookie,
    Bearer,
}

/// <summary>Why a session ended, stored as its snake_case name (<c>signed_out</c>, <c>all_signed_out</c>, ...).</summary>
public enum SessionEndReason
{
    /// <summary>The person signed out of this session (<c>/logout</c>, <c>POST /api/v1/auth/logout</c>).</summary>
    SignedOut,

    /// <summary>The person ended it from another session (<c>/account/sessions</c>, <c>DELETE /api/v1/me/sessions/{id}</c>).</summary>
    Revoked,

    /// <summary>The password was changed in another session.</summary>
    PasswordChanged,

    /// <summary>The password was reset from an emailed link.</summary>
    Reset,

    /// <summary>The operator disabled the account (<c>users disable</c>).</summary>
    Disabled,

    /// <summary>The person chose <c>Sign out of all devices</c>.</summary>
    AllSignedOut,

    /// <summary>The account's email address was changed in another session.</summary>
    EmailChanged,

    /// <summary>The account's address was proven for the first time: whoever held the account before may not be its owner.</summary>
    AddressProven,
}

/// <summary>
/// One sign-in on the server (issue 7, item 4): every sign-in of every method creates one, the cookie and the bearer
/// tokens carry its secret id (claim <see cref="SessionClaims.SessionId"/>), and every request checks it is still live,
/// so ending it (sign-out, the sessions list, a password reset) refuses a copied cookie or token at once, unlike a
/// cookie alone, which stays valid until it expires (OWASP Session Management: server-side invalidation on logout).
/// </summary>
/// <remarks>
/// The secret id is 256 bits from the CSPRNG (<c>SecretToken</c>); only its SHA-256 is stored (<see cref="SecretHash"/>),
/// so reading the table does not let anyone forge a session's claim. <see cref="Id"/> is the public, non-secret id
/// used in the sessions list and its API.
/// </remarks>
public sealed class Session
{
    public const int DeviceMaxLength = 64;
    public const int AddressMaxLength = 64;

    private Session()
    {
    }

    public Session(Guid userId, string secretHash, SessionKind kind, string device, string? address, DateTimeOffset createdAt, DateTimeOffset expiresAt)
    {
        ExpiresAt = expiresAt;
        Id = Guid.CreateVersion7(createdAt);
        UserId = userId;
        SecretHash = secretHash;
        Kind = kind;
        Device = device.Length > DeviceMaxLength ? device[..DeviceMaxLength] : device;
        Address = address is { Length: > AddressMaxLength } ? address[..AddressMaxLength] : address;
        CreatedAt = createdAt;
        LastSeenAt = createdAt;
    }

    /// <summary>The public id (not a secret): what the sessions list and <c>/api/v1/me/sessions</c> name it by.</summary>
    public Guid Id { get; private set; }

    public Guid UserId { get; private set; }

    /// <summary>Lowercase hex SHA-256 of the secret session id the cookie and tokens carry.</summary>
    public string SecretHash { get; private set; } = "";

    public SessionKind Kind { get; private set; }

    /// <summary>A short description of the client from its User-Agent (<see cref="DeviceDescription"/>), such as "Chrome on Linux".</summary>
    public string Device { get; private set; } = "";

    /// <summary>The client's address at sign-in (from a trusted proxy's <c>X-Forwarded-For</c> when configured).</summary>
    public string? Address { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>When a request last used the session, UTC, to the minute (written at most once a minute).</summary>
    public DateTimeOffset LastSeenAt { get; private set; }

    /// <summary>
    /// When the session stops being live by itself, UTC: the expiry of its cookie (the cookie's lifetime from sign-in,
    /// moved on when the cookie is renewed by sliding expiration) or of its latest refresh token (moved on by each
    /// refresh). Past it, no cookie or token of the session can be valid, so the session is neither listed nor accepted.
    /// </summary>
    public DateTimeOffset ExpiresAt { get; private set; }

    /// <summary>When the session ended; null while it is live.</summary>
    public DateTimeOffset? EndedAt { get; private set; }

    public SessionEndReason? EndReason { get; private set; }
}
