using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Roster.Infrastructure.Web;

/// <summary>
/// Builds absolute links for emails and the invitation popup from <c>Roster:PublicUrl</c>. Without it, links
/// use the address the server listens on, never the request's Host header: a forged Host would otherwise
/// put a password-reset code into a link to the forger's site.
/// </summary>
public sealed class PublicUrls(IOptions<RosterOptions> options, IServer server)
{
    public string Absolute(string pathAndQuery) => Origin() + pathAndQuery;

    public string Invitation(string token) => Absolute($"/invite/{token}");

    private string Origin()
    {
        var configured = options.Value.PublicUrl;
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured.TrimEnd('/');
        }

        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var address = addresses.FirstOrDefault(a => a.StartsWith("https:", StringComparison.OrdinalIgnoreCase))
            ?? addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Set Roster:PublicUrl: the server has no address to build links from.");
        var uri = new Uri(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
        var host = uri.Host is "0.0.0.0" or "[::]" or "::" ? "localhost" : uri.Host;
        return $"{uri.Scheme}://{host}:{uri.Port}";
    }
}
