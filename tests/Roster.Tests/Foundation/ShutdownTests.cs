using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Foundation;

/// <summary>Graceful shutdown (issue 9, operations): a stopping instance fails /readyz first, and keeps serving meanwhile.</summary>
public sealed class ShutdownTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_stopping_instance_fails_readyz_first_and_keeps_serving_through_the_drain_delay()
    {
        await using var app = await IsolatedApp.StartAsync(new Dictionary<string, string> { ["Roster:Shutdown:DrainDelay"] = "00:00:02" }, kestrel: true);
        using var client = app.CreateClient();
        using (var before = await client.GetAsync(new Uri("/readyz", UriKind.Relative), Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        var clock = Stopwatch.StartNew();
        var stopped = app.Services.GetRequiredService<IHost>().StopAsync(Cancel);

        // The drain runs first thing in the host's stop; readiness fails within moments, and the server still answers.
        HttpStatusCode ready;
        do
        {
            using var answer = await client.GetAsync(new Uri("/readyz", UriKind.Relative), Cancel);
            ready = answer.StatusCode;
        }
        while (ready == HttpStatusCode.OK && clock.Elapsed < TimeSpan.FromSeconds(1.5));

        using var alive = await client.GetAsync(new Uri("/healthz", UriKind.Relative), Cancel);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), "the answers came within the drain delay");
        await stopped;
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.8), $"the host stopped after {clock.Elapsed.TotalSeconds:0.0} s, before its drain delay");
    }
}
