using Microsoft.Extensions.Options;

namespace Roster.Features.Permissions;

/// <summary>A dashboard area that permissions grant access to: a stable key (<c>ab-test</c>) and a display name.</summary>
public sealed record Menu(string Key, string Name, string Description);

/// <summary>Bound from <c>Roster:Menus</c>: the dashboard's areas, in display order. Empty means the defaults.</summary>
public sealed class MenuOptions
{
    public List<MenuDefinition> Items { get; set; } = [];

    public sealed class MenuDefinition
    {
        public string Key { get; set; } = "";

        public string Name { get; set; } = "";

        public string Description { get; set; } = "";
    }
}

/// <summary>
/// The dashboard's menus, read once from configuration (they are definitions, not data about a person, so they
/// are safe to hold for the process's life). Defaults, from SPEC section 3: A/B Test, Feature Flag, Remote Config,
/// Analytics, Data Management, CRM.
/// </summary>
public sealed class MenuCatalog
{
    public const int KeyMaxLength = 40;

    private static readonly Menu[] Defaults =
    [
        new("ab-test", "A/B Test", "Run experiments and compare variations."),
        new("feature-flag", "Feature Flag", "Turn features on for chosen users."),
        new("remote-config", "Remote Config", "Change app settings without a release."),
        new("analytics", "Analytics", "Explore events, funnels and retention."),
        new("data-management", "Data Management", "Manage events, properties and data sources."),
        new("crm", "CRM", "Reach users with targeted campaigns."),
    ];

    private readonly Dictionary<string, Menu> byKey;

    public MenuCatalog(IOptions<MenuOptions> options)
        : this(options.Value.Items.Count == 0
            ? Defaults
            : options.Value.Items.Select(item => new Menu(item.Key.Trim(), item.Name.Trim(), item.Description.Trim())).ToArray())
    {
    }

    public MenuCatalog(IReadOnlyList<Menu> menus)
    {
        foreach (var menu in menus)
        {
            if (menu.Key.Length is 0 or > KeyMaxLength || menu.Key.Any(c => !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')) || menu.Name.Length == 0)
            {
                throw new InvalidOperationException(
                    $"Roster:Menus: '{menu.Key}' needs a key of 1 to {KeyMaxLength} lowercase letters, digits and dashes, and a name.");
            }
        }

        All = menus;
        byKey = menus.ToDictionary(menu => menu.Key, StringComparer.Ordinal);
        if (byKey.Count != menus.Count)
        {
            throw new InvalidOperationException("Roster:Menus: two menus share a key.");
        }
    }

    /// <summary>The default catalog (SPEC section 3), for tests and tools.</summary>
    public static MenuCatalog Default { get; } = new(Defaults);

    /// <summary>Every menu, in display order.</summary>
    public IReadOnlyList<Menu> All { get; }

    /// <summary>The menu with this key (exact, lowercase), or null.</summary>
    public Menu? Find(string? key) => key is not null && byKey.TryGetValue(key, out var menu) ? menu : null;
}
