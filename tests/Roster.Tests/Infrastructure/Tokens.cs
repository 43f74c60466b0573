using System.Buffers.Text;
using System.Security.Cryptography;

namespace Roster.Tests.Infrastructure;

public static class Tokens
{
    /// <summary>A token of the right shape that no link has.</summary>
    public static string Random() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
}
