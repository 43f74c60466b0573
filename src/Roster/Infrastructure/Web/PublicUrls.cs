using Microsoft.Extensions.Options;

namespace Roster.Infrastructure.Web;

/// <summary>Builds absolute links for emails and the invitation popup.</summary>
public sealed class PublicUrls(IHttpContextAccessor httpContextAccessor, IOptions<RosterOptions> options)
{
    public string Absolute(string pathAndQuery)
    {
        var configured = options.Value.PublicUrl;
        string origin;
        if (!string.IsNullOrWhiteSpace(configured))
        {
            origin = configured.TrimEnd('/');
        }
        else
        {
            var request = httpContextAccessor.HttpContext?.Request
                ?? throw new InvalidOperationException("Set Roster:PublicUrl to build links outside a request.");
            origin = $"{request.Scheme}://{request.Host}{request.PathBase}";
        }

        return origin + pathAndQuery;
    }

    public string Invitation(string token) => Absolute($"/invite/{token}");
}
