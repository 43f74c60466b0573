using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Roster.Infrastructure.Web;

namespace Roster.Pages.Account;

/// <summary>
/// The cookie that marks the browser a sign-up was made in, so that its verification link, opened there, keeps the
/// password chosen with it (<see cref="Features.Accounts.AccountService.ConfirmEmailAsync"/>); opened anywhere else the
/// link also asks for that password. Its value is the new account's id, encrypted and time-limited by ASP.NET Core Data
/// Protection (purpose <c>Roster.SignUpBrowser</c>) for as long as the link works (<see cref="DataProtectionTokenProviderOptions.TokenLifespan"/>);
/// HttpOnly, SameSite=Lax, sent only to <c>/confirm-email</c>, <c>__Host-</c> prefixed and Secure under HTTPS.
/// A sign-up with an address that already has an account gets the same cookie around a random id, so neither its
/// presence nor its length tells the two apart. A later sign-up in the same browser replaces it.
/// </summary>
public sealed class SignUpBrowser(IDataProtectionProvider dataProtection, IOptions<DataProtectionTokenProviderOptions> tokens)
{
    private const string CookieName = "roster.signup";

    private const string CookiePath = "/confirm-email";

    private readonly ITimeLimitedDataProtector protector = dataProtection.CreateProtector("Roster.SignUpBrowser").ToTimeLimitedDataProtector();

    /// <summary>Marks the response's browser as the one that signed up <paramref name="accountId"/> (null: an address that had an account).</summary>
    public void Mark(HttpContext http, Guid? accountId)
    {
        var lifetime = tokens.Value.TokenLifespan;
        var value = protector.Protect((accountId ?? Guid.NewGuid()).ToString("N"), lifetime);
        http.Response.Cookies.Append(HostPrefixedCookieManager.NameFor(http.Request, CookieName), value, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = http.Request.IsHttps,
            Path = http.Request.IsHttps ? "/" : CookiePath,
            MaxAge = lifetime,
            IsEssential = true,
        });
    }

    /// <summary>Whether this request comes from the browser that signed up <paramref name="accountId"/>, within the link's lifetime.</summary>
    public bool IsMarked(HttpContext http, string? accountId)
    {
        if (!Guid.TryParse(accountId, out var id) || http.Request.Cookies[HostPrefixedCookieManager.NameFor(http.Request, CookieName)] is not { Length: > 0 } value)
        {
            return false;
        }

        try
        {
            return protector.Unprotect(value, out _) == id.ToString("N");
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false; // Tampered with, expired, or from another key ring.
        }
    }
}
