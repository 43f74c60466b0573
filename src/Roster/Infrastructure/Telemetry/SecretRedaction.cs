using System.Text.RegularExpressions;

namespace Roster.Infrastructure.Telemetry;

/// <summary>
/// Takes the secrets out of a URL, a path or a line of text that holds one, for telemetry and log scopes: the bearer
/// tokens that stand in a path (invitation links <c>/invite/{token}</c>, email invitations <c>/invite/email/{token}</c>,
/// their API twins <c>/api/v1/invitations/{token}</c> and <c>/api/v1/email-invitations/{token}</c>) become the marker
/// <c>{token}</c>, and every query value becomes <c>{redacted}</c> (password-reset and verification codes, email
/// sign-in links, an email change's code, OpenID Connect's <c>code</c> and <c>state</c>, a <c>returnUrl</c> that
/// carries an invitation path). The rest (the route, the query's keys, the host) stays, so a span is still useful.
/// A data-protection key's master key (<c>&lt;masterKey&gt;...&lt;value&gt;secret&lt;/value&gt;</c>, which the key
/// store's own lines print at Debug) becomes <c>{redacted}</c> too.
/// </summary>
/// <remarks>
/// Anyone holding an invitation link can join through it, so it is as secret as a password (OWASP ASVS 4.0 V7.1.1: no
/// session token or credential in logs; V8.3.1: sensitive data not in URLs that are logged). A token never reaches a
/// trace back end or a log line; an operator who needs one link finds it by its fingerprint in the audit log.
/// </remarks>
public static partial class SecretRedaction
{
    /// <summary>The marker a path token is replaced with.</summary>
    public const string TokenMarker = "{token}";

    /// <summary>The marker a query value is replaced with.</summary>
    public const string ValueMarker = "{redacted}";

    /// <summary>
    /// The text with every secret replaced by its marker (unchanged, and the same instance, when it holds none). Path
    /// matching is case-insensitive, as routing is.
    /// </summary>
    public static string Redact(string text)
    {
        if (text.Length == 0 || !MayHoldSecret(text))
        {
            return text;
        }

        if (text.Contains("masterKey", StringComparison.Ordinal))
        {
            // Before the query rule, which would otherwise eat the key's XML from its first '&' on.
            text = MasterKey().Replace(text, match => match.Groups["open"].Value + ValueMarker);
        }

        var paths = TokenInPath().Replace(text, match => match.Groups["prefix"].Value + TokenMarker);
        return QueryValue().Replace(paths, match => match.Groups["key"].Value + ValueMarker);
    }

    /// <summary>
    /// A quick test before the regular expressions: a path secret needs "invit", a query value '=' after '?' or '&amp;',
    /// a key's secret "masterKey".
    /// </summary>
    private static bool MayHoldSecret(string text) =>
        text.Contains("invit", StringComparison.OrdinalIgnoreCase) || (text.Contains('=') && text.AsSpan().IndexOfAny('?', '&') >= 0)
        || text.Contains("masterKey", StringComparison.Ordinal);

    [GeneratedRegex(@"(?<open><masterKey\b[^>]*>(?:(?!</masterKey>).)*?<value>)[^<]*", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex MasterKey();

    // "/invite/email/" is tried before "/invite/" so that an email invitation keeps its route; a link token that happens
    // to start with "email" is still caught by "/invite/".
    [GeneratedRegex(@"(?<prefix>/invite/email/|/invite/|/api/v1/invitations/|/api/v1/email-invitations/)(?<secret>[^/?#\s""'<>&]+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TokenInPath();

    [GeneratedRegex(@"(?<key>[?&][^=&#?\s""'<>]+=)[^&#\s""'<>]*", RegexOptions.CultureInvariant)]
    private static partial Regex QueryValue();
}
