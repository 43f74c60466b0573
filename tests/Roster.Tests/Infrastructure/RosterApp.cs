using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

[assembly: AssemblyFixture(typeof(Roster.Tests.Infrastructure.RosterApp))]

namespace Roster.Tests.Infrastructure;

/// <summary>
/// The whole app on a real Kestrel server (127.0.0.1, a free port) with its own data folder (SQLite database)
/// and a real in-process SMTP server. Shared by the assembly: tests isolate themselves by creating their own
/// users and workspaces. Browser tests point Chromium at <see cref="BaseAddress"/>.
/// </summary>
public class RosterApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly TestSmtpServer smtp = new();
    private readonly ConcurrentBag<HttpClient> clients = [];
    private readonly FakeTimeProvider? clock;
    private readonly RosterApp? primary;

    public RosterApp()
        : this(clock: null)
    {
    }

    protected RosterApp(FakeTimeProvider? clock)
    {
        this.clock = clock;
        DataFolder = Directory.CreateTempSubdirectory("roster-tests-").FullName;
        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
    }

    /// <summary>Another instance of the app on the same database (and data folder), as behind a load balancer.</summary>
    private RosterApp(RosterApp primary)
        : this(clock: null)
    {
        Directory.Delete(DataFolder);
        DataFolder = primary.DataFolder;
        this.primary = primary;
    }

    public Uri BaseAddress { get; private set; } = null!;

    public string DataFolder { get; }

    public Mailbox Mailbox => smtp.Mailbox;

    public LogRecorder Logs { get; } = new();

    public TestDatabase Database { get; private set; } = null!;

    /// <summary>Starts a second instance on this app's database; the caller disposes it.</summary>
    public async Task<RosterApp> StartSecondInstanceAsync()
    {
        var second = new RosterApp(this);
        await second.InitializeAsync();
        return second;
    }

    public async ValueTask InitializeAsync()
    {
        await smtp.StartAsync();
        Database = primary?.Database ?? await TestDatabase.CreateAsync();
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseAddress = new Uri(addresses.Single());
    }

    /// <summary>A client of the real server. No redirects are followed, so tests see them; cookies only when asked.</summary>
    public HttpClient CreateHttpClient(CookieContainer? cookies = null)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = cookies is not null,
            CookieContainer = cookies ?? new CookieContainer(),
        };
        var client = new HttpClient(handler) { BaseAddress = BaseAddress };
        clients.Add(client);
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // UseSetting rather than in-memory configuration: Program reads these before the app is built.
        builder.UseSetting("Roster:DataFolder", DataFolder);
        // No drain on the way down: every test app would wait for a load balancer that is not there.
        builder.UseSetting("Roster:Shutdown:DrainDelay", "00:00:00");
        Database.Apply(builder);
        builder.UseSetting("Roster:PublicUrl", "");
        // The shared app serves every test from 127.0.0.1, often with one account many times: no limit in the way.
        // The limits themselves are tested on apps of their own (Security/RateLimitTests).
        builder.UseSetting("Roster:RateLimits:CredentialsPerAccountPerMinute", "100000");
        builder.UseSetting("Roster:RateLimits:CredentialsPerAddressPerMinute", "100000");
        builder.UseSetting("Roster:RateLimits:LinksPerAddressPerMinute", "100000");
        builder.UseSetting("Roster:RateLimits:EmailCodes:SendsPerAddress", "100000");
        builder.UseSetting("Roster:EmailInvitations:SendsPerWorkspacePerMinute", "100000");
        builder.UseSetting("Roster:Email:SmtpHost", "127.0.0.1");
        builder.UseSetting("Roster:Email:SmtpPort", smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Roster:Email:SmtpSecurity", "None");
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<ILoggerProvider>(Logs);
            services.AddSingleton<CommandCounter>();
            services.ConfigureDbContext<Roster.Infrastructure.Data.SqliteRosterDbContext>(
                (provider, options) => options.AddInterceptors(provider.GetRequiredService<CommandCounter>()));
            services.ConfigureDbContext<Roster.Infrastructure.Data.PostgresRosterDbContext>(
                (provider, options) => options.AddInterceptors(provider.GetRequiredService<CommandCounter>()));
            // Hashing at production strength (100,000 rounds) was most of the suite's time; no test is about it.
            services.Configure<PasswordHasherOptions>(hashing => hashing.IterationCount = 1000);
            if (clock is not null)
            {
                services.RemoveAll<TimeProvider>();
                services.AddSingleton<TimeProvider>(clock);
            }
        });
    }

    public override async ValueTask DisposeAsync()
    {
        foreach (var client in clients)
        {
            client.Dispose();
        }

        await base.DisposeAsync();
        await smtp.DisposeAsync();
        if (primary is not null)
        {
            // The database and the data folder are the primary's.
            GC.SuppressFinalize(this);
            return;
        }

        await Database.DisposeAsync();
        try
        {
            Directory.Delete(DataFolder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by SQLite only leaves a folder in /tmp behind.
        }

        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// A separate app whose clock only moves when a test says so, for expiry. It starts at the real time, to the
/// whole second, so that its times survive the databases' microsecond precision unchanged. Bearer
/// tokens and cookies are checked against this clock too, so sign in again after moving it by more than an hour.
/// </summary>
public sealed class RosterAppWithFakeClock : RosterApp
{
    public RosterAppWithFakeClock()
        : this(new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds())))
    {
    }

    private RosterAppWithFakeClock(FakeTimeProvider clock)
        : base(clock) => Clock = clock;

    public FakeTimeProvider Clock { get; }
}
