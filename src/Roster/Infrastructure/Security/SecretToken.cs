using System.Buffers.Text;
using System.Security.Cryptography;

namespace Roster.Infrastructure.Security;

/// <summary>
/// Bearer secrets (invitation links, later access tokens): 256 bits from the operating system's CSPRNG,
/// written base64url. Only the SHA-256 of a token is ever stored, so a leaked database grants nothing.
/// </summary>
public static class SecretToken
{
    public const int ByteLength = 32;

    public static string Create() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(ByteLength));

    /// <summary>The lowercase hex SHA-256 of the token's text, as stored and looked up.</summary>
    public static string Hash(string token) =>
        Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));

    /// <summary>A short, non-secret label for lists: the first characters of the hash, not of the token.</summary>
    public static string Fingerprint(string tokenHash) => tokenHash[..8];

    /// <summary>Cheap shape check before touching the database: 32 bytes in base64url is 43 characters.</summary>
    public static bool HasValidShape(string? token) =>
        token is { Length: 43 } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
