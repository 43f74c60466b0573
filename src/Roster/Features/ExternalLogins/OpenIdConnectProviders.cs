using System.Text.RegularExpressions;

namespace Roster.Features.ExternalLogins;

/// <summary>One OpenID Connect provider people may sign in with, from <c>Roster:OpenIdConnect:Providers:&lt;Key&gt;</c>.</summary>
/// <param name="Key">The configuration key: lowercase letters, digits and dashes, at most 32; it names the
/// authentication scheme (<c>oidc-&lt;key&gt;</c>) and the callback path (<c>/signin-oidc-&lt;key&gt;</c>).</param>
/// <param name="DisplayName">What people see: <c>Continue with &lt;DisplayName&gt;</c>.</param>
/// <param name="Authority">The issuer's base URL; its discovery document is read from
/// <c>&lt;Authority&gt;/.well-known/openid-configuration</c> (OpenID Connect Discovery 1.0).</param>
/// <param name="Scopes">The scopes asked for; always includes <c>openid</c>.</param>
/// <param name="RequireHttpsMetadata">Whether the authority must be https (true unless configured otherwise).</param>
public sealed record OpenIdConnectProvider(
    string Key, string DisplayName, Uri Authority, string ClientId, string ClientSecret, IReadOnlyList<string> Scopes, bool RequireHttpsMetadata)
{
    /// <summary>The authentication scheme of this provider's handler.</summary>
    public string Scheme => OpenIdConnectProviders.SchemePrefix + Key;

    /// <summary>The path the provider sends the browser back to (a redirect URI to register at the provider).</summary>
    public string CallbackPath => "/signin-oidc-" + Key;
}

/// <summary>
/// The OpenID Connect providers of this installation (issue 7, item 2), read once from configuration: any number of
/// children of <c>Roster:OpenIdConnect:Providers</c>, each keyed by a short name, with <c>DisplayName</c>,
/// <c>Authority</c>, <c>ClientId</c>, <c>ClientSecret</c>, <c>Scopes</c> (default <c>openid email profile</c>) and
/// <c>RequireHttpsMetadata</c> (default true). A configuration mistake (a missing authority, client id or secret, an
/// authority that is not an absolute http(s) URL, http where https is required, two providers with one display name,
/// a key with other characters than lowercase letters, digits and dashes) stops the app at start with a message naming
/// the setting, as the plans do.
/// </summary>
public sealed partial class OpenIdConnectProviders
{
    public const string Section = "Roster:OpenIdConnect:Providers";
    public const string SchemePrefix = "oidc-";
    public const int DisplayNameMaxLength = 60;

    private static readonly string[] DefaultScopes = ["openid", "email", "profile"];

    private readonly Dictionary<string, OpenIdConnectProvider> byKey;

    public OpenIdConnectProviders(IConfiguration configuration)
        : this(Read(configuration.GetSection(Section)))
    {
    }

    private OpenIdConnectProviders(IReadOnlyList<OpenIdConnectProvider> providers)
    {
        All = providers;
        byKey = providers.ToDictionary(p => p.Key, StringComparer.Ordinal);
    }

    /// <summary>Every configured provider, in key order (the order of the buttons).</summary>
    public IReadOnlyList<OpenIdConnectProvider> All { get; }

    /// <summary>The provider with this key, or null.</summary>
    public OpenIdConnectProvider? Find(string? key) => key is not null && byKey.TryGetValue(key, out var provider) ? provider : null;

    /// <summary>
    /// The origins (<c>scheme://host[:port]</c>) of the providers' authorities: a sign-in form posts to Roster, which
    /// redirects the browser to the provider, and the page's <c>form-action</c> policy must allow that redirect.
    /// </summary>
    public IReadOnlyList<string> Origins => [.. All.Select(p => p.Authority.GetLeftPart(UriPartial.Authority)).Distinct(StringComparer.Ordinal)];

    private static List<OpenIdConnectProvider> Read(IConfigurationSection section)
    {
        var providers = new List<OpenIdConnectProvider>();
        var displayNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var child in section.GetChildren().OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            var setting = $"{Section}:{child.Key}";
            if (!KeyPattern().IsMatch(child.Key))
            {
                throw new InvalidOperationException(
                    $"{setting}: a provider's key is 1 to 32 lowercase letters, digits and dashes (it names the callback path /signin-oidc-<key>).");
            }

            string Required(string name) => string.IsNullOrWhiteSpace(child[name])
                ? throw new InvalidOperationException($"{setting}:{name} is required.")
                : child[name]!.Trim();

            var displayName = Required("DisplayName");
            if (displayName.Length > DisplayNameMaxLength)
            {
                throw new InvalidOperationException($"{setting}:DisplayName is longer than {DisplayNameMaxLength} characters.");
            }

            if (!displayNames.Add(displayName))
            {
                throw new InvalidOperationException($"{setting}:DisplayName '{displayName}' is already another provider's: each button must say which provider it is.");
            }

            var authorityText = Required("Authority");
            if (!Uri.TryCreate(authorityText, UriKind.Absolute, out var authority) || (authority.Scheme != Uri.UriSchemeHttps && authority.Scheme != Uri.UriSchemeHttp))
            {
                throw new InvalidOperationException($"{setting}:Authority '{authorityText}' is not an absolute http(s) URL.");
            }

            var requireHttps = true;
            if (child["RequireHttpsMetadata"] is { } requireHttpsText && !bool.TryParse(requireHttpsText, out requireHttps))
            {
                throw new InvalidOperationException($"{setting}:RequireHttpsMetadata is '{requireHttpsText}'; use true or false.");
            }

            if (requireHttps && authority.Scheme != Uri.UriSchemeHttps)
            {
                throw new InvalidOperationException($"{setting}:Authority must be https (or set {setting}:RequireHttpsMetadata to false, for a provider on this machine only).");
            }

            var scopes = child.GetSection("Scopes").Get<string[]>() ?? [];
            if (scopes.Length == 0 && child["Scopes"] is { Length: > 0 } scopeText)
            {
                // A single string, as an environment variable gives it: "openid email profile".
                scopes = scopeText.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            }

            List<string> allScopes = [.. (scopes.Length == 0 ? DefaultScopes : scopes).Prepend("openid").Distinct(StringComparer.Ordinal)];
            providers.Add(new OpenIdConnectProvider(
                child.Key, displayName, authority, Required("ClientId"), Required("ClientSecret"), allScopes, requireHttps));
        }

        return providers;
    }

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,31})$", RegexOptions.CultureInvariant)]
    private static partial Regex KeyPattern();
}
