using System.Diagnostics.CodeAnalysis;

namespace Roster.Features.EmailInvitations;

/// <summary>
/// Where an email invitation's token travels: its page (<c>/invite/email/{token}</c>) and, through sign-in and sign-up,
/// the <c>invite</c> parameter that also carries invitation links' tokens. There it is written
/// <c>email:&lt;token&gt;</c>: the prefix tells <c>SignInCompletion</c> which kind of invitation to accept, and a
/// prefixed value can never pass for a link's token (43 base64url characters, <c>SecretToken.HasValidShape</c>).
/// </summary>
public static class EmailInvitationLinks
{
    /// <summary>The prefix of an email invitation's token in the <c>invite</c> parameter of sign-in pages.</summary>
    public const string SignInPrefix = "email:";

    /// <summary>The local path of the invitation's page.</summary>
    public static string PagePath(string token) => $"/invite/email/{Uri.EscapeDataString(token)}";

    /// <summary>The <c>invite</c> value that carries <paramref name="token"/> through sign-in and sign-up.</summary>
    public static string SignInValue(string token) => SignInPrefix + token;

    /// <summary>The email invitation's token when <paramref name="invite"/> carries one; false for a link's token or nothing.</summary>
    public static bool TryReadSignInValue(string? invite, [NotNullWhen(true)] out string? token)
    {
        token = invite is not null && invite.StartsWith(SignInPrefix, StringComparison.Ordinal) ? invite[SignInPrefix.Length..] : null;
        return token is not null;
    }
}
