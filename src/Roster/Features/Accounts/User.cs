using Microsoft.AspNetCore.Identity;

namespace Roster.Features.Accounts;

/// <summary>A person who can sign in. The user name is always the email address.</summary>
public sealed class User : IdentityUser<Guid>
{
    public const int NameMaxLength = 100;

    public string Name { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The workspace the dashboard opens by default: the last one used.</summary>
    public Guid? LastWorkspaceId { get; set; }

    /// <summary>
    /// When the operator disabled the account (<c>users disable</c>), UTC; null while it is enabled. A disabled
    /// account cannot sign in, and its sessions and tokens are refused on their next request.
    /// </summary>
    public DateTimeOffset? DisabledAt { get; set; }

    /// <summary>
    /// When the person dismissed the dashboard's reminder to confirm their email (UTC); null while it shows. Kept on the
    /// server, so the reminder stays away on every device and after signing in again.
    /// </summary>
    public DateTimeOffset? EmailReminderDismissedAt { get; set; }

    public string DisplayName => DisplayNameOf(Name, Email);

    /// <summary>The name people see: the user's name, or their email when they gave none (API sign-ups).</summary>
    public static string DisplayNameOf(string? name, string? email) => string.IsNullOrWhiteSpace(name) ? email ?? "" : name;
}
