using System.Text;

namespace Roster.Features.Permissions;

/// <summary>
/// A custom permission's grants per menu, keyed by menu key. Immutable. Stored as one short text column
/// (<see cref="ToStorage"/>: <c>ab-test=3;analytics=2</c>, the <see cref="Grants"/> flags as a number), so the
/// authorization read is one row, not one row per menu.
/// </summary>
public sealed class GrantSet : IEquatable<GrantSet>
{
    private readonly SortedDictionary<string, Grants> grants;

    private GrantSet(SortedDictionary<string, Grants> grants) => this.grants = grants;

    public static GrantSet Empty { get; } = new(new SortedDictionary<string, Grants>(StringComparer.Ordinal));

    /// <summary>Builds a set, adding implied grants and dropping menus with none.</summary>
    public static GrantSet From(IEnumerable<KeyValuePair<string, Grants>> entries)
    {
        var map = new SortedDictionary<string, Grants>(StringComparer.Ordinal);
        foreach (var (menu, value) in entries)
        {
            var merged = (map.GetValueOrDefault(menu) | value).WithImplied() & Grants.All;
            if (merged != Grants.None)
            {
                map[menu] = merged;
            }
        }

        return map.Count == 0 ? Empty : new GrantSet(map);
    }

    /// <summary>What the set grants on a menu; <see cref="Grants.None"/> for a menu it does not name.</summary>
    public Grants On(string menuKey) => grants.GetValueOrDefault(menuKey);

    public IReadOnlyDictionary<string, Grants> Entries => grants;

    public string ToStorage()
    {
        var text = new StringBuilder();
        foreach (var (menu, value) in grants)
        {
            if (text.Length > 0)
            {
                text.Append(';');
            }

            text.Append(menu).Append('=').Append((int)value);
        }

        return text.ToString();
    }

    /// <summary>Reads <see cref="ToStorage"/>'s form. Entries that do not parse are dropped (never granted).</summary>
    public static GrantSet FromStorage(string? stored)
    {
        if (string.IsNullOrEmpty(stored))
        {
            return Empty;
        }

        var entries = new List<KeyValuePair<string, Grants>>();
        foreach (var part in stored.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && int.TryParse(part.AsSpan(equals + 1), System.Globalization.CultureInfo.InvariantCulture, out var value))
            {
                entries.Add(new(part[..equals], (Grants)value));
            }
        }

        return From(entries);
    }

    public bool Equals(GrantSet? other) => other is not null && ToStorage() == other.ToStorage();

    public override bool Equals(object? obj) => Equals(obj as GrantSet);

    public override int GetHashCode() => ToStorage().GetHashCode(StringComparison.Ordinal);

    public override string ToString() => ToStorage();
}
