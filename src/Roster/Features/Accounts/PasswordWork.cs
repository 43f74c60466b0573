using Microsoft.AspNetCore.Identity;

namespace Roster.Features.Accounts;

/// <summary>
/// The work of checking a password, spent where there is no password to check (an unknown email, a locked-out account,
/// an account with no password, an address that already has an account at sign-up), so the time an answer takes does
/// not tell whether the account exists or what state it is in (SPEC section 2; OWASP ASVS 4.0 V2.2 and the
/// Authentication Cheat Sheet, "authentication responses": the same work on every path). It verifies the password
/// against a hash made once by the app's own hasher (Identity's <see cref="PasswordHasher{TUser}"/>, PBKDF2 with the
/// app's iteration count, which the hash carries), so it costs what a real check costs. One per app (a singleton): two
/// apps in one process may hash with different iteration counts.
/// </summary>
public sealed class PasswordWork
{
    private string? dummyHash;

    /// <summary>Verifies <paramref name="password"/> against the dummy hash, discarding the answer (about one real check).</summary>
    public void SpendCheck(IPasswordHasher<User> hasher, string? password)
    {
        var dummy = new User();
        var hash = dummyHash ??= hasher.HashPassword(dummy, Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)));
        hasher.VerifyHashedPassword(dummy, hash, password ?? "");
    }

    /// <summary>Hashes <paramref name="password"/> and discards the hash (what creating an account with it costs).</summary>
    public static void SpendHash(IPasswordHasher<User> hasher, string? password) => hasher.HashPassword(new User(), password ?? "");
}
