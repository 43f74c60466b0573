namespace Roster.Features.EmailCodes;

/// <summary>
/// One "Continue with email" request: the code and the link sent to <see cref="Email"/>, valid until
/// <see cref="ExpiresAt"/>, used at most once (<see cref="UsedAt"/>), ended by <see cref="EmailCodeService.MaxFailedAttempts"/>
/// wrong codes. Nothing secret is stored: the code as a SHA-256 bound to this row's id, the link token and the
/// requester's secret (the browser cookie, or the API's challenge) as their SHA-256.
/// </summary>
public sealed class EmailCode
{
    /// <summary>RFC 5321's longest address.</summary>
    public const int EmailMaxLength = 254;

    public Guid Id { get; set; }

    /// <summary>The address as the person typed it (trimmed): where the mail goes, and the new account's email.</summary>
    public string Email { get; set; } = "";

    /// <summary>The address as Identity normalises it, for matching a verify request and the account.</summary>
    public string NormalizedEmail { get; set; } = "";

    /// <summary>Lowercase hex SHA-256 of <c>{Id}:{code}</c>: the same code in another request hashes differently.</summary>
    public string CodeHash { get; set; } = "";

    /// <summary>Lowercase hex SHA-256 of the link's 256-bit token.</summary>
    public string LinkTokenHash { get; set; } = "";

    /// <summary>Lowercase hex SHA-256 of the requester's 256-bit secret (HttpOnly cookie or API challenge).</summary>
    public string RequesterHash { get; set; } = "";

    /// <summary>
    /// Asked from a browser (the pages): the code works only with that browser's cookie. An API request's code also
    /// works with its address alone (SPEC section 8's <c>{ email, code }</c>), within its five tries.
    /// </summary>
    public bool BrowserBound { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>
    /// Codes tried so far, counted before each comparison (a right one is spent at once); at
    /// <see cref="EmailCodeService.MaxFailedAttempts"/> the request is over, code and link.
    /// </summary>
    public int FailedAttempts { get; set; }

    /// <summary>When the code or the link signed someone in (both are then spent); null while unused.</summary>
    public DateTimeOffset? UsedAt { get; set; }
}
