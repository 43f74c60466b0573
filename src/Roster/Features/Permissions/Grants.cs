namespace Roster.Features.Permissions;

/// <summary>
/// What a permission allows on one dashboard menu, as Hackle defines it. A set of flags: a permission holds any
/// combination per menu. <see cref="Edit"/> implies <see cref="ReadOnly"/> (you cannot change what you cannot see).
/// </summary>
[Flags]
public enum Grants
{
    None = 0,

    /// <summary><c>edit</c>: create and change.</summary>
    Edit = 1,

    /// <summary><c>read-only</c>: view.</summary>
    ReadOnly = 2,

    /// <summary><c>data-download</c>: export raw data.</summary>
    DataDownload = 4,

    /// <summary><c>data-read</c>: see data-collection status.</summary>
    DataRead = 8,

    All = Edit | ReadOnly | DataDownload | DataRead,
}

/// <summary>The wire names of <see cref="Grants"/> (<c>edit</c>, <c>read-only</c>, <c>data-download</c>, <c>data-read</c>) and their display names.</summary>
public static class GrantNames
{
    /// <summary>Every single grant, in the order the dashboard and the API list them.</summary>
    public static IReadOnlyList<Grants> Each { get; } = [Grants.Edit, Grants.ReadOnly, Grants.DataDownload, Grants.DataRead];

    public static string ToWire(this Grants grant) => grant switch
    {
        Grants.Edit => "edit",
        Grants.ReadOnly => "read-only",
        Grants.DataDownload => "data-download",
        Grants.DataRead => "data-read",
        _ => throw new ArgumentOutOfRangeException(nameof(grant), grant, "Not a single grant."),
    };

    /// <summary>How a person reads it: "edit", "read-only", "data download", "data read".</summary>
    public static string ToDisplay(this Grants grant) => grant switch
    {
        Grants.Edit => "Edit",
        Grants.ReadOnly => "Read-only",
        Grants.DataDownload => "Data download",
        Grants.DataRead => "Data read",
        _ => throw new ArgumentOutOfRangeException(nameof(grant), grant, "Not a single grant."),
    };

    /// <summary>A single grant from its wire name, ignoring case; false for anything else.</summary>
    public static bool TryParse(string? name, out Grants grant)
    {
        grant = Each.FirstOrDefault(g => string.Equals(g.ToWire(), name?.Trim(), StringComparison.OrdinalIgnoreCase));
        return grant != Grants.None;
    }

    /// <summary>The single grants a set holds, as wire names, in <see cref="Each"/>'s order.</summary>
    public static IReadOnlyList<string> ToWireList(this Grants grants) =>
        Each.Where(g => grants.HasFlag(g)).Select(g => g.ToWire()).ToList();

    /// <summary>Adds what a grant implies: <c>edit</c> brings <c>read-only</c>.</summary>
    public static Grants WithImplied(this Grants grants) =>
        grants.HasFlag(Grants.Edit) ? grants | Grants.ReadOnly : grants;
}
