using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Roster.Infrastructure.Data;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Foundation;

/// <summary>
/// Issue 9, operations: data-protection keys encrypted at rest when a certificate is configured
/// (<c>Roster:DataProtection:CertificatePath</c>, <c>CertificatePassword</c>), readable by every instance that has it.
/// </summary>
public sealed class DataProtectionCertificateTests
{
    private const string Password = "certificate-password-1";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task With_a_certificate_keys_are_stored_encrypted_and_a_second_instance_reads_the_first_ones_tokens()
    {
        var certificate = WriteCertificate();
        try
        {
            var settings = new Dictionary<string, string>
            {
                ["Roster:DataProtection:CertificatePath"] = certificate,
                ["Roster:DataProtection:CertificatePassword"] = Password,
            };
            await using var first = await StartAsync(settings);
            var email = TestUsers.NewEmail();
            using var client = first.CreateClient();
            using (var registered = await client.PostAsJsonAsync("/api/v1/auth/register", new { email, password = TestUsers.Password }, Cancel))
            {
                await registered.EnsureSuccessAsync();
            }

            var token = await TestUsers.AccessTokenAsync(client, email);
            var keys = await KeysAsync(first);
            Assert.NotEmpty(keys);
            Assert.All(keys, xml =>
            {
                Assert.Contains("<encryptedSecret", xml, StringComparison.Ordinal);
                Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
            });

            // Another instance on the same database, with the same certificate, reads the first one's bearer token.
            await using var second = await StartAsync(new Dictionary<string, string>(settings) { ["Roster:DataFolder"] = first.DataFolder, ["ConnectionStrings:Roster"] = ConnectionStringOf(first) });
            using var secondClient = second.CreateClient();
            secondClient.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var me = await secondClient.GetMeAsync();
            Assert.Equal(email, me.Email);
        }
        finally
        {
            File.Delete(certificate);
        }
    }

    [Fact]
    public async Task Without_a_certificate_keys_are_stored_as_today_in_plain_xml()
    {
        await using var app = await StartAsync([]);
        using var client = app.CreateClient();
        using (var ready = await client.GetAsync(new Uri("/login", UriKind.Relative), Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        var keys = await KeysAsync(app);
        Assert.NotEmpty(keys);
        Assert.All(keys, xml => Assert.Contains("<masterKey", xml, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_certificate_that_cannot_be_read_stops_the_app_at_start_naming_the_setting(bool missingFile)
    {
        var certificate = WriteCertificate();
        try
        {
            var password = missingFile ? Password : "not-the-password";
            var settings = new Dictionary<string, string>
            {
                ["Roster:DataProtection:CertificatePath"] = missingFile ? certificate + ".missing" : certificate,
                ["Roster:DataProtection:CertificatePassword"] = password,
            };
            await using var app = await StartAsync(settings);
            var failure = Assert.ThrowsAny<Exception>(() => app.Services);
            var messages = string.Join(" | ", Chain(failure).Select(exception => exception.Message));
            Assert.Contains("Roster:DataProtection:CertificatePath", messages, StringComparison.Ordinal);
            Assert.DoesNotContain(password, messages, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(certificate);
        }
    }

    private static Task<IsolatedApp> StartAsync(Dictionary<string, string> settings) =>
        IsolatedApp.StartAsync(
            new Dictionary<string, string>(settings) { ["Roster:PublicUrl"] = "http://localhost" }, services: services => services.Configure<PasswordHasherOptions>(hashing => hashing.IterationCount = 1000));

    private static string ConnectionStringOf(IsolatedApp app) => app.Services.GetRequiredService<IConfiguration>()["ConnectionStrings:Roster"] ?? "";

    private static async Task<List<string>> KeysAsync(IsolatedApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RosterDbContext>();
        return await db.DataProtectionKeys.AsNoTracking().Select(key => key.Xml ?? "").ToListAsync(Cancel);
    }

    /// <summary>A self-signed RSA certificate with its private key, as a password-protected PKCS#12 file.</summary>
    private static string WriteCertificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=Roster data protection (test)", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var path = Path.Combine(Path.GetTempPath(), $"roster-dp-{Guid.NewGuid():N}.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, Password));
        return path;
    }

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            yield return current;
        }
    }
}
