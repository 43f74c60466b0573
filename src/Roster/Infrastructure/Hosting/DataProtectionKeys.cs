using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Roster.Infrastructure.Data;

namespace Roster.Infrastructure.Hosting;

/// <summary>
/// Data-protection keys (they sign and encrypt cookies, antiforgery and Identity's tokens) live in the database so that
/// every instance reads every cookie. With <c>Roster:DataProtection:CertificatePath</c> (a PKCS#12 file with its
/// private key) and <c>CertificatePassword</c>, each key is encrypted with the certificate before it is stored (XML
/// Encryption, <c>&lt;encryptedSecret&gt;</c>), so a copy of the database alone does not give the keys away.
/// <c>Roster:DataProtection:OldCertificates:N:Path</c> and <c>:Password</c> name certificates that still decrypt keys
/// stored under them (rotation: the new certificate encrypts new keys; an old one is removed once its keys have expired,
/// 90 days by default). Without a certificate the keys are stored unencrypted, as ASP.NET Core does on Linux: protect the
/// database then.
/// </summary>
public static class DataProtectionKeys
{
    /// <summary>Registers data protection: keys in the database, encrypted under the configured certificate if any.</summary>
    /// <exception cref="InvalidOperationException">A certificate cannot be read or has no private key, or old certificates are
    /// set without a current one: the message names the setting.</exception>
    public static IServiceCollection AddRosterDataProtection(this IServiceCollection services, IConfiguration configuration)
    {
        var dataProtection = services.AddDataProtection().SetApplicationName("Roster").PersistKeysToDbContext<RosterDbContext>();

        // Successors are created in the background, never inside a request's transaction (DataProtectionKeyRotation).
        services.AddSingleton<DataProtectionKeyRotation>();
        services.AddHostedService(provider => provider.GetRequiredService<DataProtectionKeyRotation>());
        var section = configuration.GetSection("Roster:DataProtection");
        var current = Load(section, "Roster:DataProtection:CertificatePath", "Roster:DataProtection:CertificatePassword");
        if (current is null)
        {
            // Old certificates alone would mean keys stored encrypted that nothing reads any more, and new keys stored in
            // the clear: a mistyped or removed CertificatePath must stop the start, not pass silently.
            return section.GetSection("OldCertificates").GetChildren().Any()
                ? throw new InvalidOperationException(
                    "Roster:DataProtection:OldCertificates is set without Roster:DataProtection:CertificatePath: set the current certificate too.")
                : services;
        }

        var old = section.GetSection("OldCertificates").GetChildren()
            .Select(child => Load(child, $"Roster:DataProtection:OldCertificates:{child.Key}:Path", $"Roster:DataProtection:OldCertificates:{child.Key}:Password",
                pathKey: "Path", passwordKey: "Password")
                ?? throw new InvalidOperationException($"Roster:DataProtection:OldCertificates:{child.Key}:Path is required."))
            .ToArray();

        // The current certificate encrypts new keys and decrypts its own; the old ones decrypt only.
        dataProtection.ProtectKeysWithCertificate(current);
        dataProtection.UnprotectKeysWithAnyCertificate([current, .. old]);
        return services;
    }

    private static X509Certificate2? Load(IConfiguration section, string pathSetting, string passwordSetting, string pathKey = "CertificatePath", string passwordKey = "CertificatePassword")
    {
        var path = section[pathKey];
        if (string.IsNullOrWhiteSpace(path))
        {
            return null;
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, section[passwordKey]);
        }
        catch (Exception exception) when (exception is CryptographicException or IOException or UnauthorizedAccessException)
        {
            // The reason names the file or says the password is wrong; the password itself is never in the message.
            throw new InvalidOperationException($"{pathSetting} '{path}' (with {passwordSetting}) cannot be read as a PKCS#12 certificate: {exception.Message}", exception);
        }

        return certificate.HasPrivateKey && certificate.GetRSAPrivateKey() is not null
            ? certificate
            : throw new InvalidOperationException($"{pathSetting} '{path}' has no RSA private key: data-protection keys need one to be encrypted and read back.");
    }
}
