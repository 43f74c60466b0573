using MimeKit;

namespace Roster.Features.EmailCodes;

/// <summary>
/// The edge check of an address someone types to receive mail: parsed by MimeKit, the library that later sends to
/// it, in its strict RFC 5322 mode, and required to be a bare <c>local@domain</c> (no display name, no route, no
/// group). Dot-atoms with an empty part are refused even where the parser is lenient: <c>name@example.test..</c>,
/// <c>.name@example.test</c> and <c>a..b@example.test</c> would be refused by the mail library only while sending,
/// after the request had already been stored (issue 7).
/// </summary>
public static class EmailAddressRule
{
    /// <summary>The field error for an address that fails the rule.</summary>
    public const string Message = "Enter an email address such as name@example.com.";

    private static readonly ParserOptions Strict = new() { AddressParserComplianceMode = RfcComplianceMode.Strict, AllowAddressesWithoutDomain = false };

    /// <summary>The address trimmed, or null when it is not one mail can be sent to.</summary>
    public static string? Parse(string? input)
    {
        var trimmed = input?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > EmailCode.EmailMaxLength)
        {
            return null;
        }

        if (!MailboxAddress.TryParse(Strict, trimmed, out var mailbox) || !string.IsNullOrEmpty(mailbox.Name)
            || !string.Equals(mailbox.Address, trimmed, StringComparison.Ordinal) || mailbox.Route.Count > 0)
        {
            return null;
        }

        var at = trimmed.LastIndexOf('@');
        if (at <= 0 || at == trimmed.Length - 1)
        {
            return null;
        }

        var local = trimmed[..at];
        var domain = trimmed[(at + 1)..];
        var quoted = local.Length >= 2 && local[0] == '"' && local[^1] == '"';
        return (quoted || HasNoEmptyAtom(local)) && HasNoEmptyAtom(domain) && domain.Contains('.', StringComparison.Ordinal) ? trimmed : null;
    }

    private static bool HasNoEmptyAtom(string dotAtom) => dotAtom.Split('.').All(atom => atom.Length > 0);
}
