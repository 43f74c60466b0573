namespace Roster.Features.AccountSettings;

/// <summary>
/// A requested change of an account's email, waiting for the NEW address to prove it receives mail (SPEC section 2:
/// "the new address must be verified before it replaces the old one"). One per account: a new request replaces it.
/// Nothing about the account changes until the link sent to <see cref="NewEmail"/> is confirmed (a POST). The link's
/// token (256 bits from a CSPRNG) is bound to this account and this address; only its SHA-256 is stored.
/// </summary>
public sealed class EmailChange
{
    /// <summary>How long the link works.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    public const int EmailMaxLength = 254;

    private EmailChange()
    {
    }

    public EmailChange(Guid userId, string newEmail, string tokenHash, DateTimeOffset requestedAt)
    {
        UserId = userId;
        Renew(newEmail, tokenHash, requestedAt);
    }

    public Guid UserId { get; private set; }

    public string NewEmail { get; private set; } = "";

    /// <summary>Lowercase hex SHA-256 of the link's token.</summary>
    public string TokenHash { get; private set; } = "";

    public DateTimeOffset RequestedAt { get; private set; }

    public DateTimeOffset ExpiresAt { get; private set; }

    /// <summary>A new address or a new link (resend): the previous link stops working.</summary>
    public void Renew(string newEmail, string tokenHash, DateTimeOffset requestedAt)
    {
        NewEmail = newEmail;
        TokenHash = tokenHash;
        RequestedAt = requestedAt;
        ExpiresAt = requestedAt + Lifetime;
    }
}
