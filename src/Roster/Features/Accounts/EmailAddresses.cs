using System.ComponentModel.DataAnnotations;
using MimeKit;

namespace Roster.Features.Accounts;

/// <summary>
/// The one rule for an email address that enters Roster: typed on a page, sent to the API, named on the operator's
/// command line, or asserted by an OpenID Connect provider (SPEC section 2: "checked once, at the edge, by the same rule
/// the mail library uses"). An address passes when, trimmed:
/// <list type="bullet">
/// <item>it is at most <see cref="MaxLength"/> characters (RFC 5321 section 4.5.3.1.3: a path of 256 octets less its
/// angle brackets) and holds only printable ASCII: no control character (NUL included), no white space, no
/// non-ASCII letter (see below);</item>
/// <item>MimeKit, the library that sends Roster's mail, parses it in its strict RFC 5322 mode as one mailbox, and the
/// parsed address is the whole text as given: no display name, no route, no group or list, nothing the parser
/// dropped or added (a trailing dot, quotes);</item>
/// <item>the local part is a dot-atom (RFC 5321 section 4.1.2: no quoted string, which hosts "SHOULD avoid") and
/// neither it nor the domain has an empty atom (<c>.name@</c>, <c>a..b@</c>, <c>@example.test..</c>), which the mail
/// library refuses only while sending (issue 7: such an address was saved with its account and then answered 500);</item>
/// <item>the domain is a host name with a dot (RFC 5321 section 4.1.2: letters, digits and inner hyphens, labels of at
/// most 63 characters; no address literal such as <c>[127.0.0.1]</c>; <c>a@b</c> names no deliverable host on the
/// Internet).</item>
/// </list>
/// Internationalised addresses (RFC 6531 local parts, Unicode domains) are refused: a Unicode domain is accepted in its
/// ASCII form (<c>xn--bcher-kva.example</c>), so one mailbox has one spelling and therefore one account (a Unicode and
/// a Punycode spelling, or two Unicode normal forms, would otherwise be two accounts for one mailbox, and look-alike
/// letters could imitate another person's address), and every SMTP server can deliver to it without SMTPUTF8.
/// </summary>
public static class EmailAddresses
{
    /// <summary>The longest address accepted, in characters.</summary>
    public const int MaxLength = 254;

    /// <summary>The field error shown for a refused address (pages, API and command line).</summary>
    public const string Message = "Enter an email address such as name@example.com.";

    private static readonly ParserOptions Strict = new()
    {
        AddressParserComplianceMode = RfcComplianceMode.Strict,
        AllowAddressesWithoutDomain = false,
        AllowUnquotedCommasInAddresses = false,
    };

    /// <summary>The address trimmed when it passes the rule; null otherwise (null or empty input included).</summary>
    public static string? Parse(string? input)
    {
        var text = input?.Trim();
        if (string.IsNullOrEmpty(text) || text.Length > MaxLength || !text.All(c => c is > ' ' and < '\u007f'))
        {
            return null;
        }

        var at = text.LastIndexOf('@');
        if (at <= 0 || at == text.Length - 1 || text.Contains('"', StringComparison.Ordinal))
        {
            return null;
        }

        var local = text[..at];
        var domain = text[(at + 1)..];
        if (!HasNoEmptyAtom(local) || !domain.Contains('.', StringComparison.Ordinal) || !domain.Split('.').All(IsHostLabel))
        {
            return null;
        }

        // The parser shows a Punycode domain (xn--...) decoded; its ASCII form is what was typed and what is sent to.
        return MailboxAddress.TryParse(Strict, text, out var mailbox)
            && string.IsNullOrEmpty(mailbox.Name)
            && mailbox.Route.Count == 0
            && string.Equals(mailbox.GetAddress(idnEncode: true), text, StringComparison.Ordinal)
            ? text
            : null;
    }

    /// <summary>Whether <paramref name="input"/> passes the rule (<see cref="Parse"/> is not null).</summary>
    public static bool IsDeliverable(string? input) => Parse(input) is not null;

    /// <summary>
    /// Whether <paramref name="input"/>, trimmed, can name an existing account in a lookup: sign-in, a forgotten password,
    /// resending the verification, a reset, the operator's <c>users</c> commands. It must look like an address (one
    /// <c>@</c> with text on both sides, no white space or control character, at most <see cref="MaxLength"/>
    /// characters); anything else is the field error <see cref="Message"/>. The strict rule (<see cref="Parse"/>) decides
    /// what may be created or changed; a lookup does not apply it, so an account whose address an earlier, looser rule
    /// accepted (<c>alice@corp</c>) can still sign in, reset its password and be disabled, and an address the rule refuses
    /// that no account has is answered as any unknown address is (no field error, which would differ between the two).
    /// </summary>
    public static bool IsLookup(string? input)
    {
        var trimmed = input?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > MaxLength || trimmed.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            return false;
        }

        var at = trimmed.LastIndexOf('@');
        return at > 0 && at < trimmed.Length - 1;
    }

    private static bool HasNoEmptyAtom(string dotAtom) => dotAtom.Split('.').All(atom => atom.Length > 0);

    // RFC 5321 section 4.1.2 Domain (sub-domain = Let-dig [Ldh-str]) and RFC 1035 section 2.3.4 (at most 63 octets): a
    // host name, not an address literal ([127.0.0.1]) or another character the parser lets through.
    private static bool IsHostLabel(string label) =>
        label.Length is > 0 and <= 63
        && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
        && label[0] != '-' && label[^1] != '-';
}

/// <summary>
/// Validates a form field with <see cref="EmailAddresses.Parse"/> (an empty value is left to
/// <see cref="RequiredAttribute"/>). Used on every page field that takes an address, in place of <c>[EmailAddress]</c>,
/// which accepts addresses the mail library refuses (<c>a..b@example.test</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Parameter)]
public sealed class DeliverableEmailAttribute : ValidationAttribute
{
    /// <summary>A field error with <see cref="EmailAddresses.Message"/> unless another message is given.</summary>
    public DeliverableEmailAttribute()
        : base(EmailAddresses.Message)
    {
    }

    /// <summary>
    /// True for null or empty (Required's job), for text no database can store (a NUL, an unpaired surrogate: the
    /// storable-text validator names that problem beside the field, more precisely than "not an address"), and for an
    /// address that passes the rule.
    /// </summary>
    public override bool IsValid(object? value) =>
        value is null || (value is string text && (text.Length == 0 || Roster.Infrastructure.Text.StorableText.Problem(text) is not null || EmailAddresses.IsDeliverable(text)));
}

/// <summary>
/// Validates a form field that looks an account up (sign-in, forgotten password, reset) with
/// <see cref="EmailAddresses.IsLookup"/>; an empty value is left to <see cref="RequiredAttribute"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Parameter)]
public sealed class EmailLookupAttribute : ValidationAttribute
{
    /// <summary>A field error with <see cref="EmailAddresses.Message"/>.</summary>
    public EmailLookupAttribute()
        : base(EmailAddresses.Message)
    {
    }

    /// <summary>True for null or empty (Required's job), for text no database can store (the storable-text validator names it), and for a lookup address.</summary>
    public override bool IsValid(object? value) =>
        value is null || (value is string text && (text.Length == 0 || Roster.Infrastructure.Text.StorableText.Problem(text) is not null || EmailAddresses.IsLookup(text)));
}
