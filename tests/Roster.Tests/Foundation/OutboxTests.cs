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

        // Account mail is sent after the answer, by the background sender: wait for the file (at most 10 s).
        var outbox = Path.Combine(factory.DataFolder, "outbox");
        var files = Array.Empty<string>();
        for (var waited = 0; waited < 100 && files.Length == 0; waited++)
        {
            files = Directory.Exists(outbox) ? Directory.GetFiles(outbox, "*.eml") : [];
            if (files.Length == 0)
            {
                await Task.Delay(100, TestContext.Current.CancellationToken);
            }
        }

        var file = Assert.Single(files);
        var message = await MimeKit.MimeMessage.LoadAsync(file, TestContext.Current.CancellationToken);
        Assert.Equal(email, message.To.Mailboxes.Single().Address);
        var link = Mailbox.FirstLink(message);
        Assert.Equal("https://roster.example.org/confirm-email", link.GetLeftPart(UriPartial.Path));

        // The sender logs the file's name once it is written.
        for (var waited = 0; waited < 50 && !logs.Entries.Any(m => m.Contains(file, StringComparison.Ordinal)); waited++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        var logged = Assert.Single(logs.Entries, m => m.Contains(file, StringComparison.Ordinal));
        Assert.Contains(email, logged, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Entries, m => m.Contains(link.Query, StringComparison.Ordinal));
        Assert.Equal(!TestDatabase.IsPostgreSql, File.Exists(Path.Combine(factory.DataFolder, "roster.db")));
    }

    public async ValueTask DisposeAsync() => await factory.DisposeAsync();
}
