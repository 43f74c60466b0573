using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Roster.Infrastructure.Hosting;

/// <summary>Bound from <c>Roster:Shutdown</c>.</summary>
public sealed class ShutdownOptions
{
    /// <summary>
    /// How long a stopping instance keeps serving, with <c>/readyz</c> failing, before it stops accepting connections
    /// (seconds; default 5): long enough for a load balancer polling readiness to take it out of rotation. Zero skips it.
    /// </summary>
    public TimeSpan DrainDelay { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// Graceful shutdown. On SIGTERM the host first runs every lifecycle service's <c>StoppingAsync</c>, and only then stops
/// the server: this one marks the instance not ready (the <c>shutdown</c> check of <c>/readyz</c> answers 503) and waits
/// <see cref="ShutdownOptions.DrainDelay"/> while the server still serves, so a load balancer stops sending new requests
/// before any is refused. Then Kestrel stops accepting and lets in-flight requests finish, up to the host's shutdown
/// timeout (<c>HostOptions.ShutdownTimeout</c>, 30 s by default). <c>/healthz</c> (alive) stays 200 throughout.
/// </summary>
public sealed partial class ShutdownDrain(IOptions<ShutdownOptions> options, ILogger<ShutdownDrain> logger) : IHostedLifecycleService, IHealthCheck
{
    private int stopped;
    private volatile bool stopping;

    /// <summary>Whether the instance has begun to stop (and so answers not ready).</summary>
    public bool IsStopping => stopping;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        stopping = true;
        var delay = options.Value.DrainDelay;

        // Once: a host asked to stop twice (a signal, then its disposal) drains the first time only.
        if (delay <= TimeSpan.Zero || Interlocked.Exchange(ref stopped, 1) == 1)
        {
            return;
        }

        LogDraining(delay.TotalSeconds);
        try
        {
            await Task.Delay(delay, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout ran out first: stop now.
        }
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(stopping ? HealthCheckResult.Unhealthy("The instance is stopping.") : HealthCheckResult.Healthy());

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping: /readyz now fails; serving for {Seconds} more seconds before the server stops accepting connections")]
    private partial void LogDraining(double seconds);
}
