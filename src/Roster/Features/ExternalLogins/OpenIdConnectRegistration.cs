using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Identity;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Roster.Features.ExternalLogins;

/// <summary>One ASP.NET Core OpenID Connect handler per configured provider (<see cref="OpenIdConnectProviders"/>).</summary>
public static class OpenIdConnectRegistration
{
    /// <summary>The authentication property that carries the validated id token's <c>iss</c> to the callback page.</summary>
    public const string IssuerItem = "roster:iss";

    /// <summary>Where every failure at or on the way back from a provider ends: a page that says so, never a 500.</summary>
    public const string FailurePath = "/login/external/failed";

    /// <summary>
    /// Reads the providers (a configuration mistake throws here, at start, naming the setting), registers the catalog,
    /// and adds an <c>oidc-&lt;key&gt;</c> handler for each: the authorization code flow with PKCE (RFC 7636; OpenID
    /// Connect Core 1.0 section 3.1) and the response in the query, the external identity signed into Identity's
    /// external cookie (<see cref="IdentityConstants.ExternalScheme"/>) for the callback page to read, no tokens kept
    /// (Roster only needs to know who the person is), and the claims under their OpenID names (<c>sub</c>,
    /// <c>email</c>, <c>email_verified</c>, <c>name</c>), completed from the userinfo endpoint, whose <c>sub</c>
    /// the handler checks against the id token's.
    /// </summary>
    public static AuthenticationBuilder AddRosterOpenIdConnect(this AuthenticationBuilder authentication, IConfiguration configuration)
    {
        var providers = new OpenIdConnectProviders(configuration);
        authentication.Services.AddSingleton(providers);
        foreach (var provider in providers.All)
        {
            authentication.AddOpenIdConnect(provider.Scheme, provider.DisplayName, options => Configure(options, provider));
        }

        return authentication;
    }

    private static void Configure(OpenIdConnectOptions options, OpenIdConnectProvider provider)
    {
        options.Authority = provider.Authority.ToString();
        options.RequireHttpsMetadata = provider.RequireHttpsMetadata;
        options.ClientId = provider.ClientId;
        options.ClientSecret = provider.ClientSecret;
        options.ResponseType = OpenIdConnectResponseType.Code;
        options.UsePkce = true;

        // The code comes back in the query of a top-level GET: the correlation and nonce cookies can then be SameSite=Lax
        // (a form_post from the provider's origin would need SameSite=None). Secure whenever the request is https (the
        // handler's default, always, would lose them on a plain-http installation on a private network, and in the tests).
        options.ResponseMode = OpenIdConnectResponseMode.Query;
        options.CorrelationCookie.SameSite = SameSiteMode.Lax;
        options.NonceCookie.SameSite = SameSiteMode.Lax;
        options.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;

        options.SignInScheme = IdentityConstants.ExternalScheme;
        options.CallbackPath = provider.CallbackPath;
        options.SignedOutCallbackPath = "/signout-callback-oidc-" + provider.Key;
        options.RemoteSignOutPath = "/signout-oidc-" + provider.Key;
        options.SaveTokens = false;
        options.DisableTelemetry = true;
        options.MapInboundClaims = false;
        options.GetClaimsFromUserInfoEndpoint = true;
        options.TokenValidationParameters.NameClaimType = ExternalClaims.Name;
        options.Scope.Clear();
        foreach (var scope in provider.Scopes)
        {
            options.Scope.Add(scope);
        }

        options.ClaimActions.MapUniqueJsonKey(ExternalClaims.EmailVerified, ExternalClaims.EmailVerified);

        options.Events.OnTokenValidated = context =>
        {
            // Identities are keyed by (issuer, subject): the issuer the id token was validated against, which is the
            // provider's own name for itself, not Roster's configuration key (renaming a key keeps every link).
            context.Properties!.Items[IssuerItem] = context.SecurityToken.Issuer;
            return Task.CompletedTask;
        };
        options.Events.OnAccessDenied = context =>
        {
            context.Response.Redirect(FailureUrl("denied", context.Properties));
            context.HandleResponse();
            return Task.CompletedTask;
        };
        options.Events.OnRemoteFailure = context =>
        {
            // A provider's error, a state that does not decrypt, a missing correlation cookie (a replayed or forged
            // callback), a nonce or PKCE mismatch: the person sees a page that says sign-in did not complete.
            context.Response.Redirect(FailureUrl("failed", context.Properties));
            context.HandleResponse();
            return Task.CompletedTask;
        };
    }

    private static string FailureUrl(string reason, AuthenticationProperties? properties)
    {
        var invitation = properties?.Items.TryGetValue(ExternalLoginItems.Invite, out var invite) == true && !string.IsNullOrEmpty(invite)
            ? "&invite=" + Uri.EscapeDataString(invite)
            : "";
        return $"{FailurePath}?reason={reason}{invitation}";
    }
}

/// <summary>The claim types Roster reads from a provider (OpenID Connect Core 1.0, section 5.1), unmapped.</summary>
public static class ExternalClaims
{
    public const string Subject = "sub";
    public const string Email = "email";
    public const string EmailVerified = "email_verified";
    public const string Name = "name";
}

/// <summary>
/// What a challenge carries to the callback, in the authentication properties. They travel inside the data-protected
/// <c>state</c>, so neither the provider nor anyone on the way can read or change them.
/// </summary>
public static class ExternalLoginItems
{
    /// <summary>The provider's configuration key.</summary>
    public const string Provider = "roster:provider";

    /// <summary>The invitation link's token the person came with.</summary>
    public const string Invite = "roster:invite";

    /// <summary>Where to go next (a local path).</summary>
    public const string ReturnUrl = "roster:returnUrl";

    /// <summary>Present when a signed-in person links the provider to their account: that account's id.</summary>
    public const string LinkTo = "roster:linkTo";
}
