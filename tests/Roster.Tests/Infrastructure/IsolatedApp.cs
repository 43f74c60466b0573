using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Roster.Tests.Infrastructure;

/// <summary>
/// An app of its own, for a test that needs settings the shared <see cref="RosterApp"/> cannot have (a low rate
/// limit, no SMTP, an SMTP server that is down, trusted proxies). It gets its own data folder and database on
/// the suite's provider; email goes to the outbox unless the settings say otherwise.
/// </summary>
public sealed class IsolatedApp : WebApplicationFactory<Program>
{
    private readonly IReadOnlyDictionary<string, string> settings;
    private readonly LogRecorder? logs;
    private readonly Action<IServiceCollection>? services;
    private TestDatabase database = null!;

    private IsolatedApp(IReadOnlyDictionary<string, string> settings, LogRecorder? logs, Action<IServiceCollection>? services)
    {
        this.settings = settings;
        this.logs = logs;
        this.services = services;
    }

    public string DataFolder { get; } = Directory.CreateTempSubdirectory("roster-isolated-").FullName;

    /// <summary>
    /// Creates the app's database; with <paramref name="kestrel"/> it also starts a real server on 127.0.0.1, so
    /// requests arrive from a real client address. Otherwise the in-memory test server starts on first use.
    /// </summary>
    /// <param name="services">Changes to the app's services, made after its own registrations (test services).</param>
    public static async Task<IsolatedApp> StartAsync(
        IReadOnlyDictionary<string, string> settings, LogRecorder? logs = null, bool kestrel = false, Action<IServiceCollection>? services = null)
    {
        var app = new IsolatedApp(settings, logs, services);
        app.database = await TestDatabase.CreateAsync();
        if (kestrel)
        {
            app.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
            app.StartServer();
        }

        return app;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Roster:DataFolder", DataFolder);
        database.Apply(builder);
        builder.UseSetting("Roster:Email:SmtpHost", "");
        builder.UseSetting("Roster:Shutdown:DrainDelay", "00:00:00");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        if (logs is not null)
        {
            builder.ConfigureTestServices(services => services.AddSingleton<ILoggerProvider>(logs));
        }

        if (services is not null)
        {
            builder.ConfigureTestServices(services);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await database.DisposeAsync();
        try
        {
            Directory.Delete(DataFolder, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file for a moment; the folder is in /tmp.
        }
    }
}
