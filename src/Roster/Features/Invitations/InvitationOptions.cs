namespace Roster.Features.Invitations;

/// <summary>Bound from <c>Roster:Invitations</c>.</summary>
public sealed class InvitationOptions
{
    public int DefaultExpiryDays { get; set; } = 7;

    public int MaxExpiryDays { get; set; } = 30;
}
