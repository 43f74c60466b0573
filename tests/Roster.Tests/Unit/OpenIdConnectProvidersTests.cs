using Microsoft.Extensions.Configuration;
using Roster.Features.ExternalLogins;

namespace Roster.Tests.Unit;

/// <summary>OpenID Connect providers from configuration: any number, defaults, and mistakes that stop the app naming the setting.</summary>
public sealed class OpenIdConnectProvidersTests
{
    private const string Prefix = "Roster:OpenIdConnect:Providers:";

    [Fact]
    public void No_providers_configured_is_no_buttons()
    {
        Assert.Empty(new OpenIdConnectProviders(Configuration([])).All);
    }

    [Fact]
    public void Providers_are_read_with_their_defaults_in_key_order()
    {
        var providers = new OpenIdConnectProviders(Configuration(new()
        {
            [Prefix + "work:DisplayName"] = "Work SSO",
            [Prefix + "work:Authority"] = "https://login.example.com/tenant",
            [Prefix + "work:ClientId"] = "roster",
            [Prefix + "work:ClientSecret"] = "secret",
            [Prefix + "github-2:DisplayName"] = "Local",
            [Prefix + "github-2:Authority"] = "http://127.0.0.1:5000",
            [Prefix + "github-2:ClientId"] = "roster",
            [Prefix + "github-2:ClientSecret"] = "secret",
            [Prefix + "github-2:RequireHttpsMetadata"] = "false",
            [Prefix + "github-2:Scopes:0"] = "email",
        }));

        Assert.Equal(["github-2", "work"], providers.All.Select(p => p.Key));
        var work = providers.Find("work")!;
        Assert.Equal(["openid", "email", "profile"], work.Scopes);
        Assert.True(work.RequireHttpsMetadata);
        Assert.Equal("oidc-work", work.Scheme);
        Assert.Equal("/signin-oidc-work", work.CallbackPath);
        Assert.Equal(["openid", "email"], providers.Find("github-2")!.Scopes);
        Assert.Equal(["http://127.0.0.1:5000", "https://login.example.com"], providers.Origins.Order(StringComparer.Ordinal));
        Assert.Null(providers.Find("WORK"));
    }

    [Theory]
    [InlineData("Authority", null, "Roster:OpenIdConnect:Providers:one:Authority is required.")]
    [InlineData("ClientId", null, "Roster:OpenIdConnect:Providers:one:ClientId is required.")]
    [InlineData("ClientSecret", "", "Roster:OpenIdConnect:Providers:one:ClientSecret is required.")]
    [InlineData("DisplayName", " ", "Roster:OpenIdConnect:Providers:one:DisplayName is required.")]
    [InlineData("Authority", "login.example.com", "Roster:OpenIdConnect:Providers:one:Authority 'login.example.com' is not an absolute http(s) URL.")]
    [InlineData("Authority", "http://login.example.com", "Roster:OpenIdConnect:Providers:one:Authority must be https")]
    [InlineData("RequireHttpsMetadata", "maybe", "Roster:OpenIdConnect:Providers:one:RequireHttpsMetadata is 'maybe'")]
    public void A_mistake_stops_the_app_naming_the_setting(string setting, string? value, string message)
    {
        var settings = Valid("one", "One");
        settings[Prefix + "one:" + setting] = value;

        var exception = Assert.Throws<InvalidOperationException>(() => new OpenIdConnectProviders(Configuration(settings)));

        Assert.StartsWith(message, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_providers_with_one_display_name_stop_the_app()
    {
        var settings = Valid("one", "Company");
        foreach (var (key, value) in Valid("two", "company"))
        {
            settings[key] = value;
        }

        var exception = Assert.Throws<InvalidOperationException>(() => new OpenIdConnectProviders(Configuration(settings)));

        Assert.StartsWith("Roster:OpenIdConnect:Providers:two:DisplayName 'company' is already another provider's", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Upper")]
    [InlineData("with space")]
    [InlineData("-dash-first")]
    [InlineData("a-key-that-is-longer-than-thirty-two")]
    public void A_key_other_than_lowercase_letters_digits_and_dashes_stops_the_app(string key)
    {
        var exception = Assert.Throws<InvalidOperationException>(() => new OpenIdConnectProviders(Configuration(Valid(key, "One"))));

        Assert.StartsWith($"Roster:OpenIdConnect:Providers:{key}: a provider's key is", exception.Message, StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> Valid(string key, string displayName) => new()
    {
        [Prefix + key + ":DisplayName"] = displayName,
        [Prefix + key + ":Authority"] = "https://login.example.com",
        [Prefix + key + ":ClientId"] = "roster",
        [Prefix + key + ":ClientSecret"] = "secret",
    };

    private static IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
}
