using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Roster.Tests.Infrastructure;

/// <summary>
/// A real OTLP/HTTP receiver (protobuf) on 127.0.0.1: a tiny Kestrel server that keeps the raw body of every export to
/// <c>/v1/traces</c> and <c>/v1/metrics</c> and answers 200 with an empty (valid) export response. Protobuf stores
/// strings as UTF-8, so a test can search the bytes for a token or a metric's name without decoding them.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<byte[]> traces = new();
    private readonly ConcurrentQueue<byte[]> metrics = new();
    private WebApplication server = null!;

    public Uri Endpoint { get; private set; } = null!;

    /// <summary>Every trace export so far, as one text (UTF-8, invalid bytes replaced; strings stay searchable).</summary>
    public string Traces => Text(traces);

    /// <summary>Every metric export so far, as one text.</summary>
    public string Metrics => Text(metrics);

    public static async Task<OtlpReceiver> StartAsync()
    {
        var receiver = new OtlpReceiver();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        receiver.server = builder.Build();
        receiver.server.MapPost("/v1/traces", context => Keep(context, receiver.traces));
        receiver.server.MapPost("/v1/metrics", context => Keep(context, receiver.metrics));
        await receiver.server.StartAsync();
        var address = receiver.server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        receiver.Endpoint = new Uri(address);
        return receiver;
    }

    public async ValueTask DisposeAsync() => await server.DisposeAsync();

    private static async Task Keep(HttpContext context, ConcurrentQueue<byte[]> into)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        into.Enqueue(body.ToArray());
        context.Response.ContentType = "application/x-protobuf";
    }

    private static string Text(ConcurrentQueue<byte[]> exports) => string.Join("\n", exports.Select(export => Encoding.UTF8.GetString(export)));
}
