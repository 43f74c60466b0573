namespace Roster.Pages.Shared;

/// <summary>The sign-in form, shown on <c>/login</c> and on an invitation link's page, carrying the invitation.</summary>
public sealed record SignInFormModel(string? Invite, string? ReturnUrl);
