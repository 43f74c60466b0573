namespace Roster.Pages.Shared;

/// <summary>
/// The login methods besides the password form (Continue with email, Continue with each configured OpenID Connect
/// provider), shown on <c>/login</c>, <c>/signup</c> and an invitation link's page, each carrying the invitation
/// (<paramref name="Invite"/>, the link's token) and where to go next (<paramref name="ReturnUrl"/>, a local path).
/// </summary>
public sealed record LoginMethodsModel(string? Invite, string? ReturnUrl);
