using System.ComponentModel.DataAnnotations;
using MimeKit;

namespace Roster.Features.Accounts;

/// <summary>
/// The one rule for an email address a person types (SPEC section 2: "checked once, at the edge, by the same rule the
/// mail library uses"): MimeKit's own parser with the options Roster's mailer builds messages with
/// (<see cref="ParserOptions.Default"/>, as <c>MailboxAddress.Parse</c> in <c>MimeMessages.Build</c>), and the parsed
/// address must be the whole text as given (no display name, no list, no trailing dot dropped by the parser), at most
/// <see cref="MaxLength"/> characters (RFC 5321 section 4.5.3.1.3: a path of 256 octets less the angle brackets). An
/// address refused here could never be sent to: before this rule, <c>name@example.test..</c> was saved with its account
/// and then refused by the mail library, answering 500 with the row half-written.
/// </summary>
public static class EmailAddresses
{
    /// <summary>The longest address accepted, in characters.</summary>
    public const int MaxLength = 254;

    /// <summary>The field error shown for a refused address (pages and API).</summary>
    public const string Message = "Enter an email address such as name@example.com.";

    /// <summary>Whether <paramref name="email"/>, trimmed, is an address the mailer can send to.</summary>
    public static bool IsDeliverable(string? email)
    {
        var trimmed = email?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > MaxLength || !trimmed.Contains('@', StringComparison.Ordinal))
        {
            return false;
        }

        return MailboxAddress.TryParse(ParserOptions.Default, trimmed, out var mailbox)
            && string.IsNullOrEmpty(mailbox.Name)
            && string.Equals(mailbox.Address, trimmed, StringComparison.Ordinal);
    }
}

/// <summary>
/// Validates a form field with <see cref="EmailAddresses.IsDeliverable"/> (an empty value is left to
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
    /// storable-text validator names that problem beside the field, more precisely than "not an address"), and for a
    /// deliverable address.
    /// </summary>
    public override bool IsValid(object? value) =>
        value is null || (value is string text && (text.Length == 0 || Roster.Infrastructure.Text.StorableText.Problem(text) is not null || EmailAddresses.IsDeliverable(text)));
}
