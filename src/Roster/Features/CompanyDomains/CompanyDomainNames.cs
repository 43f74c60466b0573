using System.Globalization;

namespace Roster.Features.CompanyDomains;

/// <summary>
/// The one rule that turns a domain (typed by an Admin, or the part of an address after its last <c>@</c>) into the
/// form Roster stores and compares: trimmed, one trailing dot removed (the DNS root: <c>acme.test.</c> is
/// <c>acme.test</c>), internationalised labels in their ASCII (punycode, RFC 5891 / IDNA2008 via
/// <see cref="IdnMapping"/>) form, lower case. Domains are then compared for exact equality only: a subdomain
/// (<c>sub.acme.test</c>), a longer name (<c>acme.test.evil.test</c>) or a look-alike (<c>notacme.test</c>) never
/// matches <c>acme.test</c>.
/// </summary>
public static class CompanyDomainNames
{
    /// <summary>The longest domain name DNS allows (RFC 1035: 253 characters in text form, without the root dot).</summary>
    public const int MaxLength = 253;

    private static readonly IdnMapping Idn = new() { UseStd3AsciiRules = true, AllowUnassigned = false };

    /// <summary>
    /// The normalised domain, or null when <paramref name="input"/> is not a domain name of at least two labels
    /// (letters, digits and hyphens per label after conversion, 1 to 63 characters each, at most 253 in all).
    /// </summary>
    public static string? Normalize(string? input)
    {
        var text = (input ?? "").Trim();
        if (text.EndsWith('.'))
        {
            text = text[..^1];
        }

        if (text.Length == 0 || text.Length > MaxLength * 4 || text.Contains(' ', StringComparison.Ordinal))
        {
            return null;
        }

        string ascii;
        try
        {
            ascii = Idn.GetAscii(text.ToLowerInvariant()).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return null;
        }

        if (ascii.Length > MaxLength)
        {
            return null;
        }

        var labels = ascii.Split('.');
        return labels.Length >= 2 && labels.All(IsLabel) ? ascii : null;
    }

    /// <summary>The normalised domain of an email address (the part after its last <c>@</c>), or null.</summary>
    public static string? OfEmail(string? email)
    {
        var at = email?.LastIndexOf('@') ?? -1;
        return at < 0 ? null : Normalize(email![(at + 1)..]);
    }

    private static bool IsLabel(string label) =>
        label.Length is >= 1 and <= 63
        && label[0] != '-' && label[^1] != '-'
        && label.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-');
}
