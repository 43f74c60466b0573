using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using System.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Roster.Infrastructure.Telemetry;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Telemetry;

/// <summary>
/// Issue 9, operations: traces and metrics reach a real OTLP receiver, and no token does. The app exports to a receiver
/// started here (OTLP/HTTP protobuf); the test drives every flow whose URL carries a secret (invitation links and email
/// invitations by page and API, the password-reset and verification links, the email sign-in link), stops the app (which
/// flushes both exporters) and searches the raw exported bytes for each secret. The hosting layer's request log scope,
/// read as the console log with IncludeScopes reads it, is checked the same way.
/// </summary>
public sealed partial class TelemetryRedactionTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Exported_spans_and_request_scopes_carry_routes_and_counters_but_no_token()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var app = new TracedApp(receiver.Endpoint);
        var secrets = new List<string>();
        try
        {
            await app.InitializeAsync();
            var admin = await TestUsers.RegisterAsync(app);
            var workspace = await app.CreateWorkspaceOnPlanAsync(admin, TestPlans.Pro);

            // An invitation link: its page, the API preview and the accept.
            var link = await admin.Client.CreateLinkAsync(workspace.Id, "Member");
            var linkToken = ApiClient.TokenOf(link);
            secrets.Add(linkToken);
            var joiner = await TestUsers.RegisterAsync(app);
            await ExpectAsync(HttpStatusCode.OK, app.CreateHttpClient().GetAsync(new Uri($"/invite/{linkToken}", UriKind.Relative), Cancel));
            await ExpectAsync(HttpStatusCode.OK, app.CreateHttpClient().GetAsync(new Uri($"/login?invite={linkToken}", UriKind.Relative), Cancel));
            await ExpectAsync(HttpStatusCode.OK, app.CreateHttpClient().PreviewAsync(linkToken));
            await ExpectAsync(HttpStatusCode.OK, joiner.Client.AcceptAsync(linkToken));
            await ExpectAsync(HttpStatusCode.Conflict, joiner.Client.AcceptAsync(linkToken));

            // An email invitation, to a verified address: its page, the API preview and the accept.
            var invitee = await EmailInvitationMail.RegisterVerifiedAsync(app);
            await admin.Client.InviteByEmailAsync(workspace.Id, "Member", invitee.Email);
            var emailToken = await app.TokenSentToAsync(invitee.Email);
            secrets.Add(emailToken);
            await ExpectAsync(HttpStatusCode.OK, app.CreateHttpClient().GetAsync(new Uri($"/invite/email/{emailToken}", UriKind.Relative), Cancel));
            await ExpectAsync(HttpStatusCode.OK, app.CreateHttpClient().PreviewEmailInvitationAsync(emailToken));
            await ExpectAsync(HttpStatusCode.OK, invitee.Client.AcceptEmailInvitationAsync(emailToken));

            // The verification link of a new account, opened.
            var unverified = await TestUsers.RegisterAsync(app);
            var verification = Mailbox.FirstLink(await app.Mailbox.WaitForMessageAsync(unverified.Email, TestUsers.IsVerificationEmail));
            secrets.AddRange(QueryValues(verification, "code"));
            await ExpectAsync(HttpStatusCode.OK, app.CreateHttpClient().GetAsync(new Uri(verification.PathAndQuery, UriKind.Relative), Cancel));

            // A password-reset link, opened.
            await ExpectAsync(HttpStatusCode.OK, app.CreateHttpClient().PostAsJsonAsync("/api/v1/auth/forgot-password", new { email = joiner.Email }, Cancel));
            var reset = Mailbox.FirstLink(await app.Mailbox.WaitForMessageAsync(joiner.Email, m => m.Subject == "Reset your Roster password"));
            secrets.AddRange(QueryValues(reset, "code"));
            await ExpectAsync(HttpStatusCode.OK, app.CreateHttpClient().GetAsync(new Uri(reset.PathAndQuery, UriKind.Relative), Cancel));

            // Continue with email: the emailed link opened, and the code used.
            var emailCode = await EmailCodeMail.RequestAsync(app, TestUsers.NewEmail());
            secrets.AddRange(QueryValues(emailCode.Link, "token"));
            secrets.Add(emailCode.Code);
            await ExpectAsync(HttpStatusCode.OK, app.CreateHttpClient().GetAsync(new Uri(emailCode.Link.PathAndQuery, UriKind.Relative), Cancel));
            await ExpectAsync(HttpStatusCode.OK, EmailCodeMail.VerifyAsync(app.CreateHttpClient(), emailCode.Email, emailCode.Code, emailCode.Challenge));

            // An authorization decision.
            await ExpectAsync(HttpStatusCode.OK, admin.Client.PostAsJsonAsync(
                $"/api/v1/workspaces/{workspace.Id}/authorize", new { userId = admin.Id, menu = "crm", grant = "edit" }, Cancel));
        }
        finally
        {
            // Stopping the app waits for its requests to end, then exports the spans and a last collection of the
            // metrics (Stopping_the_app_exports_the_metrics_counted_since_the_last_export).
            await app.DisposeAsync();
        }

        var traces = receiver.Traces;
        var metrics = receiver.Metrics;
        Assert.All(secrets, secret => Assert.True(secret.Length >= 8, $"'{secret}' is too short to be searched for"));

        // The exports hold the requests, with the secret part of each path replaced by its marker...
        Assert.Contains("/invite/" + SecretRedaction.TokenMarker, traces, StringComparison.Ordinal);
        Assert.Contains("/invite/email/" + SecretRedaction.TokenMarker, traces, StringComparison.Ordinal);
        Assert.Contains("/api/v1/invitations/" + SecretRedaction.TokenMarker, traces, StringComparison.Ordinal);
        Assert.Contains("/api/v1/email-invitations/" + SecretRedaction.TokenMarker, traces, StringComparison.Ordinal);
        Assert.Contains("code=" + SecretRedaction.ValueMarker, traces, StringComparison.Ordinal);
        Assert.Contains("/login/email/confirm", traces, StringComparison.Ordinal);
        Assert.Contains("/reset-password", traces, StringComparison.Ordinal);
        Assert.Contains("/confirm-email", traces, StringComparison.Ordinal);

        // ... database commands and Roster's counters beside the framework's...
        Assert.Contains("db.", traces, StringComparison.Ordinal);
        foreach (var name in new[] { "http.server.request.duration", "roster.sign_ins", "roster.invitations.accepted", "roster.invitations.refused", "roster.authorization.decisions" })
        {
            Assert.Contains(name, metrics, StringComparison.Ordinal);
        }

        // ... and no secret anywhere, in spans, metrics or request scopes.
        var scopes = app.Scopes.Scopes;
        Assert.Contains(scopes, scope => scope.Contains("RequestPath=/invite/" + SecretRedaction.TokenMarker, StringComparison.Ordinal));
        foreach (var secret in secrets)
        {
            AssertAbsent(secret, traces, "the trace export");
            AssertAbsent(secret, metrics, "the metric export");
            Assert.DoesNotContain(scopes, scope => scope.Contains(secret, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Stopping_the_app_exports_the_metrics_counted_since_the_last_export()
    {
        await using var receiver = await OtlpReceiver.StartAsync();

        // An export interval far longer than the test: only the shutdown's own collection can send the counter.
        var app = new TracedApp(receiver.Endpoint, metricIntervalMilliseconds: 600_000);
        try
        {
            await app.InitializeAsync();
            var admin = await TestUsers.RegisterAsync(app);
            var workspace = await admin.Client.CreateWorkspaceAsync();
            await ExpectAsync(HttpStatusCode.OK, admin.Client.PostAsJsonAsync(
                $"/api/v1/workspaces/{workspace.Id}/authorize", new { userId = admin.Id, menu = "crm", grant = "edit" }, Cancel));
        }
        finally
        {
            await app.DisposeAsync();
        }

        Assert.Contains("roster.authorization.decisions", receiver.Metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_scopes_carry_no_token_with_telemetry_off()
    {
        var scopes = new ScopeRecorder();
        await using var app = await IsolatedApp.StartAsync(
            new Dictionary<string, string>(),
            services: services =>
            {
                services.AddSingleton<ILoggerProvider>(scopes);
                services.AddSingleton<IStartupFilter, LogInsideEveryRequest>();
            });
        var token = Tokens.Random();
        var code = Tokens.Random();
        using var client = app.CreateClient();
        await ExpectAsync(HttpStatusCode.NotFound, client.GetAsync(new Uri($"/invite/{token}", UriKind.Relative), Cancel));
        await ExpectAsync(HttpStatusCode.OK, client.GetAsync(new Uri($"/reset-password?email=a%40example.com&code={code}", UriKind.Relative), Cancel));

        var recorded = scopes.Scopes;
        Assert.Contains(recorded, scope => scope.Contains("RequestPath=/invite/" + SecretRedaction.TokenMarker, StringComparison.Ordinal));
        Assert.Contains(recorded, scope => scope.Contains("RequestPath=/reset-password", StringComparison.Ordinal));
        Assert.DoesNotContain(recorded, scope => scope.Contains(token, StringComparison.Ordinal) || scope.Contains(code, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Log_lines_of_every_category_carry_no_token_even_at_the_most_detailed_level()
    {
        // An operator chasing a problem turns every category up to Trace: the framework's routing, MVC and minimal API
        // lines then print paths, route values and query values, which hold the tokens.
        var recorder = new ScopeRecorder();
        await using var app = await IsolatedApp.StartAsync(
            new Dictionary<string, string> { ["Logging:LogLevel:Default"] = "Trace", ["Logging:LogLevel:Microsoft"] = "Trace", ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace" },
            services: services => services.AddSingleton<ILoggerProvider>(recorder));
        var secrets = Enumerable.Range(0, 6).Select(_ => Tokens.Random()).ToArray();
        using var client = app.CreateClient();
        await ExpectAsync(HttpStatusCode.NotFound, client.GetAsync(new Uri($"/invite/{secrets[0]}", UriKind.Relative), Cancel));
        await ExpectAsync(HttpStatusCode.NotFound, client.GetAsync(new Uri($"/invite/email/{secrets[1]}", UriKind.Relative), Cancel));
        await ExpectAsync(HttpStatusCode.NotFound, client.GetAsync(new Uri($"/api/v1/invitations/{secrets[2]}", UriKind.Relative), Cancel));
        await ExpectAsync(HttpStatusCode.Unauthorized, client.PostAsync(new Uri($"/api/v1/invitations/{secrets[3]}/accept", UriKind.Relative), content: null, Cancel));
        await ExpectAsync(HttpStatusCode.OK, client.GetAsync(new Uri($"/reset-password?email=a%40example.com&code={secrets[4]}", UriKind.Relative), Cancel));
        await ExpectAsync(HttpStatusCode.OK, client.GetAsync(new Uri($"/login/email/confirm?token={secrets[5]}", UriKind.Relative), Cancel));

        var lines = recorder.Lines;
        Assert.Contains(lines, line => line.Contains("/invite/" + SecretRedaction.TokenMarker, StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith("Microsoft.AspNetCore.Routing", StringComparison.Ordinal));
        foreach (var secret in secrets)
        {
            var leak = lines.FirstOrDefault(line => line.Contains(secret, StringComparison.Ordinal));
            Assert.True(leak is null, $"A log line holds a token: {leak}");
        }

        // The key store prints each data-protection key's XML at Debug; without a certificate its master key is in clear.
        Assert.Contains(lines, line => line.Contains("<masterKey", StringComparison.Ordinal));
        var key = lines.FirstOrDefault(line => MasterKeyValue().IsMatch(line));
        Assert.True(key is null, $"A log line holds a master key: {key}");
    }

    /// <summary>A master key's value as the key store writes it: base64 of at least 32 bytes.</summary>
    [GeneratedRegex(@"<value>[A-Za-z0-9+/=]{40,}</value>")]
    private static partial Regex MasterKeyValue();

    /// <summary>Fails with the bytes around the secret (printable characters only), to show which attribute held it.</summary>
    private static void AssertAbsent(string secret, string export, string where)
    {
        var at = export.IndexOf(secret, StringComparison.Ordinal);
        if (at >= 0)
        {
            var start = Math.Max(0, at - 200);
            var around = new string([.. export[start..Math.Min(export.Length, at + secret.Length + 100)].Select(c => char.IsControl(c) || c == '\uFFFD' ? '.' : c)]);
            Assert.Fail($"A secret is in {where}: ...{around}...");
        }
    }

    /// <summary>A query value as it stands in the URL and decoded (a test must not miss either spelling).</summary>
    private static IEnumerable<string> QueryValues(Uri link, string key)
    {
        var raw = link.Query.TrimStart('?').Split('&').Select(pair => pair.Split('=', 2)).Single(pair => pair[0] == key)[1];
        return new[] { raw, HttpUtility.ParseQueryString(link.Query)[key]! }.Distinct();
    }

    private static async Task ExpectAsync(HttpStatusCode status, Task<HttpResponseMessage> request)
    {
        using var response = await request;
        Assert.Equal(status, response.StatusCode);
    }

    /// <summary>The shared app's set-up, exporting to the receiver, with a log line written inside every request.</summary>
    private sealed class TracedApp(Uri otlp, int metricIntervalMilliseconds = 300) : RosterApp
    {
        private int disposed;

        public ScopeRecorder Scopes { get; } = new();

        public override async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                await base.DisposeAsync();
            }
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Roster:Telemetry:OtlpEndpoint", otlp.AbsoluteUri);
            builder.UseSetting("Roster:Telemetry:OtlpProtocol", "http/protobuf");
            // The standard variables, read from configuration as from the environment: exports every 300 ms.
            builder.UseSetting("OTEL_METRIC_EXPORT_INTERVAL", metricIntervalMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("OTEL_BSP_SCHEDULE_DELAY", "300");

            // The tracer listens to the whole test process (the other apps' spans too): a queue that never drops one.
            builder.UseSetting("OTEL_BSP_MAX_QUEUE_SIZE", "1000000");
            builder.UseSetting("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "4096");
            builder.ConfigureTestServices(services =>
            {
                services.AddSingleton<ILoggerProvider>(Scopes);
                services.AddSingleton<IStartupFilter, LogInsideEveryRequest>();
            });
        }
    }

    /// <summary>Any line logged while a request runs carries the request's scope: this writes one in each.</summary>
    private sealed class LogInsideEveryRequest : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("Roster.Tests.RequestProbe");
            app.Use(async (context, nextMiddleware) =>
            {
                logger.Log(LogLevel.Information, default, "request probe", null, (state, _) => state);
                await nextMiddleware(context);
            });
            next(app);
        };
    }
}
