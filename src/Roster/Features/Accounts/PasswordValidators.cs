using System.Collections.Frozen;
using Microsoft.AspNetCore.Identity;

namespace Roster.Features.Accounts;

/// <summary>
/// Password rules after NIST SP 800-63B: length, not composition. At least 8 characters (Identity's own rule),
/// at most <see cref="MaxLength"/>, and none of the shipped list of common passwords.
/// </summary>
public sealed class CommonPasswordValidator : IPasswordValidator<User>
{
    public const int MaxLength = 256;

    private static readonly Lazy<FrozenSet<string>> CommonPasswords = new(Load);

    public static int CommonPasswordCount => CommonPasswords.Value.Count;

    public Task<IdentityResult> ValidateAsync(UserManager<User> manager, User user, string? password)
    {
        if (password is null)
        {
            return Task.FromResult(IdentityResult.Success);
        }

        if (password.Length > MaxLength)
        {
            return Task.FromResult(IdentityResult.Failed(new IdentityError
            {
                Code = "PasswordTooLong",
                Description = $"Passwords can be at most {MaxLength} characters.",
            }));
        }

        if (CommonPasswords.Value.Contains(password))
        {
            return Task.FromResult(IdentityResult.Failed(new IdentityError
            {
                Code = "PasswordTooCommon",
                Description = "This password is one of the most common passwords. Choose another.",
            }));
        }

        return Task.FromResult(IdentityResult.Success);
    }

    private static FrozenSet<string> Load()
    {
        using var stream = typeof(CommonPasswordValidator).Assembly.GetManifestResourceStream("Roster.common-passwords.txt")
            ?? throw new InvalidOperationException("The common password list is not embedded.");
        using var reader = new StreamReader(stream);
        var passwords = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && !line.StartsWith('#'))
            {
                passwords.Add(line);
            }
        }

        return passwords.ToFrozenSet(StringComparer.Ordinal);
    }
}
