using System.CommandLine;
using System.CommandLine.Invocation;
using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Roster.Features.Plans;
using Roster.Infrastructure.Data;
using Roster.Infrastructure.Hosting;

namespace Roster.Operator;

/// <summary>The command line's exit codes (SPEC section 9).</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The command could not do what was asked, and said why on stderr (unknown plan, no such account, ...).</summary>
    public const int Failure = 1;

    /// <summary>The arguments are wrong; the usage is on stderr.</summary>
    public const int Usage = 2;
}

/// <summary>
/// The operator's command line (SPEC section 9), in the same program as the server:
/// <c>dotnet run --project src/Roster -- &lt;command&gt;</c>. A command builds the host exactly as the server does
/// (<see cref="RosterHost.AddRoster"/>: the same configuration and services) but never starts it: no web server,
/// nothing listening. Results go to stdout; errors, warnings and usage to stderr. Exit codes: <see cref="ExitCodes"/>.
/// </summary>
public static class OperatorCommandLine
{
    /// <summary>The first words that select the command line; anything else (no argument, <c>--urls</c>, ...) serves the app.</summary>
    public static IReadOnlyList<string> CommandWords { get; } = ["migrate", "workspaces", "plan", "users", "help", "--help", "-h"];

    public static bool Handles(IReadOnlyList<string> args) => args.Count > 0 && CommandWords.Contains(args[0], StringComparer.Ordinal);

    /// <summary>Parses and runs one command; returns its exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        await using var host = new OperatorHost();
        var root = new RootCommand(
            "Roster's operator commands. They read the server's configuration: appsettings.json and environment variables "
            + "such as Roster__DataFolder, Roster__Database__Provider and ConnectionStrings__Roster.")
        {
            MigrateCommand.Create(host),
            WorkspaceCommands.Create(host),
            PlanCommands.Create(host),
            UserCommands.Create(host),
        };

        // `help plan set` reads as `plan set --help`.
        var words = args[0] == "help" ? [.. args.Skip(1), "--help"] : args;
        var parsed = root.Parse(words);
        if (parsed.Action is ParseErrorAction)
        {
            // Bad usage: what is wrong and the command's usage, both on stderr.
            await parsed.InvokeAsync(new InvocationConfiguration { Output = Console.Error, Error = Console.Error });
            return ExitCodes.Usage;
        }

        return await parsed.InvokeAsync(new InvocationConfiguration());
    }
}

/// <summary>Where a command writes: its results to <see cref="Out"/> (stdout), what went wrong to <see cref="Error"/> (stderr).</summary>
public sealed record CommandOutput(TextWriter Out, TextWriter Error)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Explains a failure on stderr; returns <see cref="ExitCodes.Failure"/>.</summary>
    public int Fail(string message)
    {
        Error.WriteLine(message);
        return ExitCodes.Failure;
    }

    /// <summary>Writes a value as indented JSON (camelCase, enums by name), for scripts.</summary>
    public int WriteJson<T>(T value)
    {
        Out.WriteLine(JsonSerializer.Serialize(value, Json));
        return ExitCodes.Success;
    }
}

/// <summary>
/// The app's host, built the way the server builds it (<see cref="RosterHost.AddRoster"/>) on the first command that
/// needs it (help and bad usage need none), and never started. Logging is quiet: warnings and errors, on stderr.
/// </summary>
public sealed class OperatorHost : IAsyncDisposable
{
    private WebApplication? app;

    /// <summary>
    /// Runs a command's work in a service scope. Before it: the configuration is read (a mistake is a failure that
    /// names the setting) and, unless <paramref name="needsCurrentSchema"/> is false, the database is checked to have
    /// every migration applied. A database that cannot be reached is a failure too, with the database's message.
    /// </summary>
    public async Task<int> RunAsync(
        ParseResult parsed,
        Func<IServiceProvider, CommandOutput, CancellationToken, Task<int>> work,
        CancellationToken cancellationToken,
        bool needsCurrentSchema = true)
    {
        var output = new CommandOutput(parsed.InvocationConfiguration.Output, parsed.InvocationConfiguration.Error);
        IServiceProvider services;
        try
        {
            app ??= Build();
            services = app.Services;
            services.GetRequiredService<PlanCatalog>();
        }
        catch (Exception exception) when (exception is InvalidOperationException or ArgumentException or FormatException)
        {
            // What AddRoster and the plan catalog throw for settings they cannot use (they name the setting).
            return output.Fail($"The configuration cannot be used: {exception.Message}");
        }

        await using var scope = services.CreateAsyncScope();
        try
        {
            if (needsCurrentSchema)
            {
                var db = scope.ServiceProvider.GetRequiredService<RosterDbContext>();
                var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).Count();
                if (pending > 0)
                {
                    return output.Fail($"The database is not up to date ({pending} migration(s) to apply). Run the migrate command first.");
                }
            }

            return await work(scope.ServiceProvider, output, cancellationToken);
        }
        catch (Exception exception) when (exception is DbException or DbUpdateException)
        {
            return output.Fail($"The database refused the command or could not be reached: {(exception.InnerException ?? exception).Message}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }
    }

    private static WebApplication Build()
    {
        // No arguments: the command's words are not configuration. appsettings.json, appsettings.{Environment}.json and
        // environment variables are read as the server reads them.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        builder.AddRoster();

        // Stdout is the command's output: the log keeps to warnings and errors, on stderr.
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.Configure<LoggerFilterOptions>(filters =>
        {
            filters.Rules.Clear();
            filters.MinLevel = LogLevel.Warning;
        });
        return builder.Build();
    }
}
