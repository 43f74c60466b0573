using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Roster.Tests.Infrastructure;

/// <summary>
/// A real OpenID Connect provider (the npm package <c>oidc-provider</c>, run by tests/js/oidc-provider.mjs with Node.js) on
/// 127.0.0.1 at a free port, with one confidential client. Its sign-in page lets the test (or the browser) type the
/// identity the provider then asserts: subject, email, whether the email is verified, name. Each instance is its own
/// process and its own issuer; the process is killed when the instance is disposed.
/// </summary>
public sealed class TestOidcProvider : IAsyncDisposable
{
    public static string ScriptPath { get; } = Path.Combine(RepositoryFiles.Root, "tests", "js", "oidc-provider.mjs");

    public static string PackagePath { get; } = Path.Combine(RepositoryFiles.Root, "tests", "js", "node_modules", "oidc-provider", "package.json");

    private readonly Process process;

    private TestOidcProvider(Process process, Uri issuer, string clientId, string clientSecret)
    {
        this.process = process;
        Issuer = issuer;
        ClientId = clientId;
        ClientSecret = clientSecret;
    }

    /// <summary>The provider's issuer (<c>http://127.0.0.1:&lt;port&gt;</c>), also its authority.</summary>
    public Uri Issuer { get; }

    public string ClientId { get; }

    public string ClientSecret { get; }

    /// <summary>Why a provider cannot start on this machine (no Node.js, or <c>npm ci</c> not run in tests/js), or null.</summary>
    public static string? Unavailable()
    {
        if (!File.Exists(PackagePath))
        {
            return $"oidc-provider is not installed ({PackagePath} is missing): run 'npm ci' in tests/js (scripts/test.sh does).";
        }

        try
        {
            using var node = Process.Start(new ProcessStartInfo("node", "--version") { RedirectStandardOutput = true, UseShellExecute = false });
            node!.WaitForExit(10_000);
            return node.ExitCode == 0 ? null : "Node.js ('node') does not run: it runs the tests' OpenID Connect provider.";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "Node.js ('node') is not on the PATH: it runs the tests' OpenID Connect provider (tests/js/oidc-provider.mjs).";
        }
    }

    /// <summary>
    /// Starts a provider whose client may be sent back to <paramref name="callbackPath"/> on 127.0.0.1 (any port: the app
    /// starts after the provider). Fails with the provider's own output when it does not start within 30 seconds.
    /// </summary>
    public static async Task<TestOidcProvider> StartAsync(string callbackPath)
    {
        var clientId = "roster-" + Guid.NewGuid().ToString("N")[..8];
        var clientSecret = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var config = JsonSerializer.Serialize(new
        {
            clients = new[] { new { client_id = clientId, client_secret = clientSecret, redirect_uris = new[] { "http://127.0.0.1" + callbackPath } } },
        });
        var start = new ProcessStartInfo("node", [ScriptPath])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(ScriptPath)!,
        };
        start.Environment["ROSTER_OIDC_CONFIG"] = config;
        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        var errors = new StringBuilder();
        process.ErrorDataReceived += (_, line) =>
        {
            lock (errors)
            {
                errors.AppendLine(line.Data);
            }
        };
        process.BeginErrorReadLine();

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        string? first;
        try
        {
            first = await process.StandardOutput.ReadLineAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            first = null;
        }

        if (first is null || !first.StartsWith('{'))
        {
            process.Kill(entireProcessTree: true);
            lock (errors)
            {
                throw new InvalidOperationException($"The OpenID Connect provider (node {ScriptPath}) did not start: {first}\n{errors}");
            }
        }

        var issuer = JsonDocument.Parse(first).RootElement.GetProperty("issuer").GetString()!;
        var provider = new TestOidcProvider(process, new Uri(issuer), clientId, clientSecret);
        return provider;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }
}
