namespace Roster.Infrastructure.Web;

/// <summary>Bound from the <c>Roster</c> section.</summary>
public sealed class RosterOptions
{
    /// <summary>The address people reach Roster at, used in emailed and copied links; empty uses the request's own.</summary>
    public string? PublicUrl { get; set; }

    /// <summary>How often credentials and invitation links may be tried (<c>Roster:RateLimits</c>).</summary>
    public RateLimitOptions RateLimits { get; set; } = new();
}

/// <summary>
/// The rate limits, as requests a minute (<c>Roster:RateLimits</c>). Each refills evenly (a limit of 10 gives one
/// request back every 6 seconds) and allows a burst of its whole minute. docs/design.md says why these numbers.
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>
    /// Password sign-ins, sign-ups, reset requests, resets and verification resends that name one account (its
    /// normalised email), from any number of addresses. Guessing one account's password from a botnet stops here.
    /// </summary>
    public int CredentialsPerAccountPerMinute { get; set; } = 10;

    /// <summary>
    /// Requests from one client address (an IPv6 client by its /64) to the credential pages and API (sign-in,
    /// sign-up, password reset, verification, token refresh). High enough for an office behind one address.
    /// </summary>
    public int CredentialsPerAddressPerMinute { get; set; } = 300;

    /// <summary>
    /// Requests from one client address to open, preview or accept invitation links. A token is 256 random bits,
    /// so this only stops enumeration floods; it is separate from, and higher than, the credential limits.
    /// </summary>
    public int LinksPerAddressPerMinute { get; set; } = 600;
}
