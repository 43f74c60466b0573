using Roster.Infrastructure.Text;

namespace Roster.Features.Accounts;

/// <summary>A request that names the account it tries, limited per account as well as per address (<see cref="AccountRateLimitFilter"/>).</summary>
public interface IAccountRequest
{
    /// <summary>The email of the account the request tries, as sent.</summary>
    string? Email { get; }
}

/// <summary><c>POST /api/v1/auth/register</c>: an address, a password (at least 8 characters, not a common one) and, optionally, a name.</summary>
public sealed record RegisterRequest(
    [property: StorableText(StorableText.IdentityMaxLength)] string? Email,
    [property: StorableText(AuthApi.SecretMaxLength)] string? Password,
    [property: StorableText(User.NameMaxLength)] string? Name = null) : IAccountRequest;

/// <summary><c>POST /api/v1/auth/login</c>: the account's email and password.</summary>
public sealed record LoginRequest(
    [property: StorableText(StorableText.IdentityMaxLength)] string? Email,
    [property: StorableText(AuthApi.SecretMaxLength)] string? Password) : IAccountRequest;

/// <summary><c>POST /api/v1/auth/refresh</c>: the refresh token of an earlier login.</summary>
public sealed record RefreshRequest([property: StorableText(AuthApi.TokenMaxLength)] string? RefreshToken);

/// <summary><c>POST /api/v1/auth/forgot-password</c> and <c>/resend-confirmation</c>: an address.</summary>
public sealed record EmailRequest([property: StorableText(StorableText.IdentityMaxLength)] string? Email) : IAccountRequest;

/// <summary><c>POST /api/v1/auth/reset-password</c>: the address, the code of the reset link, the new password.</summary>
public sealed record ResetPasswordRequest(
    [property: StorableText(StorableText.IdentityMaxLength)] string? Email,
    [property: StorableText(AuthApi.TokenMaxLength)] string? ResetCode,
    [property: StorableText(AuthApi.SecretMaxLength)] string? NewPassword) : IAccountRequest;

/// <summary>
/// <c>POST /api/v1/auth/confirm-email</c>: the <c>userId</c> and <c>code</c> of the verification link, and the
/// <c>password</c> chosen at registration (needed for an address's first confirmation unless the request is signed in
/// to the account: the link proves the mailbox, the password that whoever confirms chose it).
/// </summary>
public sealed record ConfirmEmailRequest(
    [property: StorableText(AuthApi.TokenMaxLength)] string? UserId,
    [property: StorableText(AuthApi.TokenMaxLength)] string? Code,
    [property: StorableText(AuthApi.SecretMaxLength)] string? Password = null);
