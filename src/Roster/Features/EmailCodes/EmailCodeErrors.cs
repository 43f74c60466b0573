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
}
