namespace Roster.Features.ExternalLogins;

/// <summary>
/// An OpenID Connect identity linked to an account, keyed by (<see cref="Issuer"/>, <see cref="Subject"/>): the pair
/// OpenID Connect Core 1.0 (section 5.7) says is the only stable, unique identifier of a person at a provider (an
/// email address can change hands). One identity belongs to at most one account (a unique key).
/// </summary>
/// <remarks>
/// A table of Roster's own rather than Identity's <c>AspNetUserLogins</c>: it records when the identity was linked
/// (account settings show it), which provider's button linked it (the configuration key, to show its name), and its
/// columns are sized for an issuer URL and a 255-character subject on both databases.
/// </remarks>
public sealed class ExternalLogin
{
    /// <summary>An issuer is an https URL (OpenID Connect Discovery 1.0, section 4.3); longer ones are refused.</summary>
    public const int IssuerMaxLength = 400;

    /// <summary>A subject is at most 255 ASCII characters (OpenID Connect Core 1.0, section 2).</summary>
    public const int SubjectMaxLength = 255;

    public const int ProviderKeyMaxLength = 32;

    private ExternalLogin()
    {
    }

    public ExternalLogin(Guid userId, string providerKey, string issuer, string subject, DateTimeOffset linkedAt)
    {
        Id = Guid.CreateVersion7(linkedAt);
        UserId = userId;
        ProviderKey = providerKey;
        Issuer = issuer;
        Subject = subject;
        LinkedAt = linkedAt;
    }

    public Guid Id { get; private set; }

    public Guid UserId { get; private set; }

    /// <summary>The configuration key of the provider whose button linked it (<c>Roster:OpenIdConnect:Providers:&lt;key&gt;</c>).</summary>
    public string ProviderKey { get; private set; } = "";

    /// <summary>The <c>iss</c> of the provider's id token, exactly as it sent it.</summary>
    public string Issuer { get; private set; } = "";

    /// <summary>The <c>sub</c> of the provider's id token, exactly as it sent it (case-sensitive).</summary>
    public string Subject { get; private set; } = "";

    /// <summary>When it was linked, UTC.</summary>
    public DateTimeOffset LinkedAt { get; private set; }
}
