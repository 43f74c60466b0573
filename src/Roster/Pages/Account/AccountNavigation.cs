namespace Roster.Pages.Account;

/// <summary>The sections of account settings (<c>/account</c>, SPEC section 2), in the order the navigation lists them.</summary>
public enum AccountSection
{
    Profile,
    Password,
    SignInMethods,
    Sessions,
    AccessTokens,
}

/// <summary>What the account settings navigation shows: every section, and the one the person is on.</summary>
public sealed record AccountNavigation(AccountSection Current)
{
    /// <summary>Every section with its name on screen and its path; all are the signed-in person's own.</summary>
    public static IReadOnlyList<(AccountSection Section, string Name, string Path)> Sections { get; } =
    [
        (AccountSection.Profile, "Profile", "/account"),
        (AccountSection.Password, "Password", "/account/password"),
        (AccountSection.SignInMethods, "Sign-in methods", "/account/sign-in-methods"),
        (AccountSection.Sessions, "Sessions", "/account/sessions"),
        (AccountSection.AccessTokens, "Personal access tokens", "/account/tokens"),
    ];
}
