using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Foundation;

/// <summary>
/// The embedded default: no SMTP server configured, so emails become .eml files under the data folder and the
/// log says where, without the one-time link. Runs its own app (in-memory test server) for that configuration.
/// </summary>
public sealed class OutboxTests : IAsyncLifetime
{
    private readonly LogRecorder logs = new();
    private IsolatedApp factory = null!;

    public async ValueTask InitializeAsync() => factory = await IsolatedApp.StartAsync(
        new Dictionary<string, string>
        {
            // The in-memory test server listens on no address, so links need the configured one.
            ["Roster:PublicUrl"] = "https://roster.example.org",
        },
        logs);

    [Fact]
    public async Task Without_SMTP_the_verification_email_is_written_to_the_outbox_and_logged_without_its_link()
    {
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var email = TestUsers.NewEmail();
        using var register = await client.PostAsync(
            new Uri("/api/v1/auth/register", UriKind.Relative),
            System.Net.Http.Json.JsonContent.Create(new { email, password = TestUsers.Password }),
            TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, register.StatusCode);

        var files = Directory.GetFiles(Path.Combine(factory.DataFolder, "outbox"), "*.eml");
        var file = Assert.Single(files);
        var message = await MimeKit.MimeMessage.LoadAsync(file, TestContext.Current.CancellationToken);
        Assert.Equal(email, message.To.Mailboxes.Single().Address);
        var link = Mailbox.FirstLink(message);
        Assert.Equal("https://roster.example.org/confirm-email", link.GetLeftPart(UriPartial.Path));

        var logged = Assert.Single(logs.Entries, m => m.Contains(file, StringComparison.Ordinal));
        Assert.Contains(email, logged, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Entries, m => m.Contains(link.Query, StringComparison.Ordinal));
        Assert.Equal(!TestDatabase.IsPostgreSql, File.Exists(Path.Combine(factory.DataFolder, "roster.db")));
    }

    public async ValueTask DisposeAsync() => await factory.DisposeAsync();
}
