namespace Roster.Features.EmailInvitations;

/// <summary>Bound from <c>Roster:EmailInvitations</c>.</summary>
public sealed class EmailInvitationOptions
{
    /// <summary>Days an invitation stays valid after it was (re)sent (SPEC section 4: 7).</summary>
    public int ExpiryDays { get; set; } = 7;

    /// <summary>The most addresses one request may invite.</summary>
    public int MaxAddressesPerRequest { get; set; } = 50;

    /// <summary>
    /// Sending requests (invite, resend) each Admin may make a minute in a workspace, on each instance: each sends email to addresses of
    /// the Admin's choosing, so an Admin's account (or a stolen session) cannot turn Roster into a mass mailer.
    /// </summary>
    public int SendsPerWorkspacePerMinute { get; set; } = 10;
}
