using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Foundation;

/// <summary>An SMTP server that is down costs the email, never the sign-up: no 500, and the operator sees why.</summary>
public sealed class SmtpFailureTests : IAsyncLifetime
{
    private readonly string dataFolder = Directory.CreateTempSubdirectory("roster-smtpdown-").FullName;
    private readonly LogRecorder logs = new();
    private WebApplicationFactory<Program> factory = null!;
    private TestDatabase database = null!;

    public async ValueTask InitializeAsync()
    {
        database = await TestDatabase.CreateAsync();
        factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Roster:DataFolder", dataFolder);
            database.Apply(builder);
            builder.UseSetting("Roster:PublicUrl", "https://roster.example.org");
            builder.UseSetting("Roster:Email:SmtpHost", "127.0.0.1");
            builder.UseSetting("Roster:Email:SmtpPort", ClosedPort().ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Roster:Email:SmtpSecurity", "None");
            builder.ConfigureTestServices(services => services.AddSingleton<ILoggerProvider>(logs));
        });
    }

    [Fact]
    public async Task Register_WithTheSmtpServerDown_CreatesTheAccountAndLogsTheFailedEmail()
    {
        using var client = factory.CreateClient();
        var email = TestUsers.NewEmail();

        using var register = await client.PostAsJsonAsync("/api/v1/auth/register", new { email, password = TestUsers.Password }, TestContext.Current.CancellationToken);
        using var login = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = TestUsers.Password }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, register.StatusCode);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Contains(logs.Entries, entry => entry.StartsWith("Error", StringComparison.Ordinal)
            && entry.Contains($"Email to {email}", StringComparison.Ordinal) && entry.Contains("was not sent", StringComparison.Ordinal));
    }

    public async ValueTask DisposeAsync()
    {
        await factory.DisposeAsync();
        await database.DisposeAsync();
        try
        {
            Directory.Delete(dataFolder, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file for a moment; the folder is in /tmp.
        }
    }

    /// <summary>A port nothing listens on: bound and released at once.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
