using Roster.Infrastructure.Errors;

namespace Roster.Features.EmailCodes;

/// <summary>The failures of "Continue with email", mapped to problem+json at the API and to form errors on the pages.</summary>
public static class EmailCodeErrors
{
    /// <summary>
    /// 401 <c>email_code.invalid</c>: one answer for a wrong code, an expired or used one, one past its five attempts,
    /// a request of another client, and an unknown link, so nothing tells them apart (OWASP ASVS 2.5, 2.7).
    /// </summary>
    public static readonly Error Invalid = new(
        "email_code.invalid",
        "That code or link is not valid: it is wrong, expired or already used. Ask for a new one.",
        ErrorKind.Forbidden);

    /// <summary>
    /// 429 <c>rate_limited</c> with <c>Retry-After</c>: the address's daily budget of wrong codes is spent
    /// (<see cref="EmailCodeGuessBudget"/>), so no code for it is compared, right or wrong, until the oldest counted
    /// wrong code is 24 hours old. The same answer with or without an account; the emailed link still works. The code
    /// is the one every rate limit answers with (<c>RateLimits.Rejected</c>); the kind is not used at the edge.
    /// </summary>
    public static readonly Error TooManyGuesses = new(
        "rate_limited",
        "Too many attempts: too many wrong codes have been tried for this address.",
        ErrorKind.Forbidden);
}
