using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Foundation;

/// <summary>An SMTP server that is down costs the email, never the sign-up: no 500, and the operator sees why.</summary>
public sealed class SmtpFailureTests : IAsyncLifetime
{
    private readonly LogRecorder logs = new();
    private IsolatedApp factory = null!;

    public async ValueTask InitializeAsync() => factory = await IsolatedApp.StartAsync(
        new Dictionary<string, string>
        {
            ["Roster:PublicUrl"] = "https://roster.example.org",
            ["Roster:Email:SmtpHost"] = "127.0.0.1",
            ["Roster:Email:SmtpPort"] = ClosedPort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Roster:Email:SmtpSecurity"] = "None",
        },
        logs);

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

    public async ValueTask DisposeAsync() => await factory.DisposeAsync();

    /// <summary>A port nothing listens on: bound and released at once.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
