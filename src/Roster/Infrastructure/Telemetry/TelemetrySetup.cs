using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Roster.Infrastructure.Telemetry;

/// <summary>
/// OpenTelemetry traces and metrics, exported over OTLP when an endpoint is configured, and not registered at all when
/// none is (no listener, no exporter: no cost beyond what the framework does anyway). The endpoint is
/// <c>Roster:Telemetry:OtlpEndpoint</c> (a base URL; <c>/v1/traces</c> and <c>/v1/metrics</c> are added for
/// <c>http/protobuf</c>) with <c>Roster:Telemetry:OtlpProtocol</c>, or the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>,
/// <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, <c>OTEL_SERVICE_NAME</c>, <c>OTEL_BSP_SCHEDULE_DELAY</c> and
/// <c>OTEL_METRIC_EXPORT_INTERVAL</c> environment variables (OpenTelemetry specification, SDK environment variables).
/// </summary>
/// <remarks>
/// Traces: requests (ASP.NET Core), database commands (EF Core, statement text with placeholders, never parameter
/// values) and outgoing HTTP (.NET's own <c>System.Net.Http</c> source: OpenID Connect metadata and token calls).
/// Metrics: the framework's <c>http.server.*</c> and Kestrel meters, EF Core's and Npgsql's, and <see cref="RosterMetrics"/>.
/// Every span passes <see cref="SecretRedactionProcessor"/> before the exporter sees it, and every log line and scope
/// is redacted whether telemetry is on or not (<see cref="RedactingLoggerFactory"/>).
/// </remarks>
public static class TelemetrySetup
{
    /// <summary>The service name when <c>OTEL_SERVICE_NAME</c> is not set.</summary>
    public const string DefaultServiceName = "roster";

    private static readonly string[] StandardEndpointKeys = ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"];

    /// <summary>Registers the log redaction always, and OpenTelemetry when an OTLP endpoint is configured.</summary>
    /// <exception cref="InvalidOperationException">A setting is not valid: the message names it.</exception>
    public static WebApplicationBuilder AddRosterTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(services => new RedactingLoggerFactory(new LoggerFactory(
            services.GetServices<ILoggerProvider>(),
            services.GetRequiredService<IOptionsMonitor<LoggerFilterOptions>>(),
            services.GetService<IOptions<LoggerFactoryOptions>>()))));

        var configuration = builder.Configuration;
        var endpoint = ReadEndpoint(configuration);
        var protocol = ReadProtocol(configuration);
        var standardEndpoint = StandardEndpointKeys.Any(key => !string.IsNullOrWhiteSpace(configuration[key]));
        if (endpoint is null && !standardEndpoint)
        {
            return builder;
        }

        var serviceName = configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } named ? named : DefaultServiceName;
        var version = typeof(TelemetrySetup).Assembly.GetName().Version?.ToString();
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName, serviceVersion: version))
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(options =>
                {
                    // Health probes would be most of the spans and tell nothing.
                    options.Filter = context => !context.Request.Path.StartsWithSegments("/healthz") && !context.Request.Path.StartsWithSegments("/readyz");

                    // An exception event carries its message and stack, which the redaction cannot reach (events are
                    // read-only once added): none are recorded. The span's status still says it failed.
                    options.RecordException = false;
                })

                // Statement text with its placeholders; parameter values (db.query.parameter.*) are off by default.
                .AddEntityFrameworkCoreInstrumentation()
                .AddSource("System.Net.Http")

                // Before the exporter: processors run in the order they are added.
                .AddProcessor(new SecretRedactionProcessor())
                .AddOtlpExporter(options => Configure(options, endpoint, protocol, "/v1/traces")))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddMeter(RosterMetrics.MeterName, "Microsoft.EntityFrameworkCore", "Npgsql", "System.Net.Http")
                .AddOtlpExporter(options => Configure(options, endpoint, protocol, "/v1/metrics")));
        return builder;
    }

    private static void Configure(OtlpExporterOptions options, Uri? endpoint, OtlpExportProtocol? protocol, string signalPath)
    {
        // Without Roster's settings the exporter keeps what it read from the OTEL_EXPORTER_OTLP_* variables.
        if (protocol is { } chosen)
        {
            options.Protocol = chosen;
        }

        if (endpoint is not null)
        {
            // An endpoint set in code is used as it is; over HTTP each signal has its own path (OTLP specification).
            options.Endpoint = options.Protocol == OtlpExportProtocol.HttpProtobuf
                ? new Uri(endpoint.AbsoluteUri.TrimEnd('/') + signalPath)
                : endpoint;
        }
    }

    private static Uri? ReadEndpoint(ConfigurationManager configuration)
    {
        var text = configuration["Roster:Telemetry:OtlpEndpoint"];
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new InvalidOperationException($"Roster:Telemetry:OtlpEndpoint '{text}' is not an absolute http(s) URL.");
    }

    private static OtlpExportProtocol? ReadProtocol(ConfigurationManager configuration) => configuration["Roster:Telemetry:OtlpProtocol"]?.Trim() switch
    {
        null or "" => null,
        "grpc" => OtlpExportProtocol.Grpc,
        "http/protobuf" => OtlpExportProtocol.HttpProtobuf,
        var other => throw new InvalidOperationException($"Roster:Telemetry:OtlpProtocol is '{other}'; use grpc or http/protobuf."),
    };
}
