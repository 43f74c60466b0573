using MimeKit;

namespace Roster.Features.AccountSettings;

/// <summary>
/// Whether an address can receive mail, by the mail library's own parser (MimeKit, strict RFC 5322 mode) plus the
/// dot rules it applies only when sending (RFC 5321: no empty label in the local part or the domain), so an address
/// that would fail at send time is a field error at the edge instead.
/// </summary>
public static class EmailAddresses
{
    private static readonly ParserOptions Strict = new() { AddressParserComplianceMode = RfcComplianceMode.Strict, AllowAddressesWithoutDomain = false };

    /// <summary>The address, trimmed, or null when it is not one mail can be sent to (<c>name@example.test..</c>, <c>.name@x</c>, <c>a..b@x</c>, a display name, ...).</summary>
    public static string? Normalize(string? input)
    {
        var text = (input ?? "").Trim();
        if (text.Length is 0 or > EmailChange.EmailMaxLength || text.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            return null;
        }

        if (!MailboxAddress.TryParse(Strict, text, out var mailbox) || mailbox.Address != text || !string.IsNullOrEmpty(mailbox.Name))
        {
            return null;
        }

        var at = text.LastIndexOf('@');
        if (at <= 0 || at == text.Length - 1)
        {
            return null;
        }

        var local = text[..at];
        var domain = text[(at + 1)..];
        var emptyLabel = local.StartsWith('.') || local.EndsWith('.') || local.Contains("..", StringComparison.Ordinal)
            || domain.StartsWith('.') || domain.EndsWith('.') || domain.Contains("..", StringComparison.Ordinal);
        return emptyLabel ? null : text;
    }
}
