using System.Collections.Frozen;

namespace Roster.Features.CompanyDomains;

/// <summary>
/// The public (free) mail providers (gmail.com, outlook.com, yahoo.com, ... about 14,000 domains): an address on one
/// says nothing about a company, so such a domain is never filled in or accepted as a company domain (SPEC section 5).
/// Shipped as data, <c>public-mail-domains.txt</c> beside this file (its source and licence are in its header),
/// embedded in the assembly and read once.
/// </summary>
public sealed class PublicMailDomains
{
    private readonly FrozenSet<string> domains;

    public PublicMailDomains()
    {
        using var stream = typeof(PublicMailDomains).Assembly.GetManifestResourceStream("Roster.public-mail-domains.txt")
            ?? throw new InvalidOperationException("The embedded list of public mail domains is missing.");
        using var reader = new StreamReader(stream);
        var list = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && !line.StartsWith('#') && CompanyDomainNames.Normalize(line) is { } domain)
            {
                list.Add(domain);
            }
        }

        domains = list.ToFrozenSet(StringComparer.Ordinal);
    }

    /// <summary>How many domains the list holds.</summary>
    public int Count => domains.Count;

    /// <summary>
    /// The second-level names RFC 2606 (section 3) reserves for documentation: no company has addresses there, so they
    /// are never a company domain either (the address a form's example or a test suite uses for anyone at all).
    /// </summary>
    public static IReadOnlySet<string> ReservedForDocumentation { get; } = new HashSet<string>(StringComparer.Ordinal) { "example.com", "example.net", "example.org" };

    /// <summary>
    /// Whether the domain (any spelling: it is normalised first) can never be a company domain: a public mail provider's,
    /// or one of <see cref="ReservedForDocumentation"/>.
    /// </summary>
    public bool Contains(string? domain) =>
        CompanyDomainNames.Normalize(domain) is { } normalized && (domains.Contains(normalized) || ReservedForDocumentation.Contains(normalized));
}
