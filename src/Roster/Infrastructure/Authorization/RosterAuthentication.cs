namespace Roster.Infrastructure.Authorization;

/// <summary>
/// The default authentication scheme: a policy scheme that sends <c>Bearer roster_key_...</c> to the API key
/// handler and everything else to Identity's bearer-or-cookie scheme.
/// </summary>
public static class RosterAuthentication
{
    public const string Scheme = "Roster";

    /// <summary>
    /// The composite scheme <c>AddIdentityApiEndpoints</c> registers (bearer token, else cookie). Identity keeps its
    /// name internal (<c>IdentityConstants.BearerAndApplicationScheme</c>); a test pins that it still exists.
    /// </summary>
    public const string IdentityBearerOrCookieScheme = "Identity.BearerAndApplication";
}
