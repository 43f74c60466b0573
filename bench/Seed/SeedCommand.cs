using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Roster.Infrastructure.Hosting;

namespace Roster.Bench.Seed;

/// <summary>
/// The seeding command line: <c>people</c> or <c>large</c> with their options (see Program.cs). Builds the app's host
/// as the server and the operator's commands do (<see cref="RosterHost.AddRoster"/>: the same configuration keys and
/// services), applies the migrations, seeds, and writes what the load generator needs. Exit codes: 0 done, 1 failed,
/// 2 bad usage.
/// </summary>
public static class SeedCommand
{
    private const string Usage = """
        usage: Roster.Bench.Seed people --count N --credentials FILE --env FILE
               Roster.Bench.Seed large [--members N] [--workspaces N] --env FILE
        The database is the app's: Roster__Database__Provider, ConnectionStrings__Roster, Roster__DataFolder.
        """;

    /// <summary>Parses the arguments and seeds; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || !TryReadOptions(args.AsSpan(1), out var options))
        {
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }

        var mode = args[0];
        if (mode is not ("people" or "large") || !options.TryGetValue("env", out var envFile) || (mode == "people" && !options.ContainsKey("credentials")))
        {
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        builder.AddRoster();
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        await using var app = builder.Build();
        await app.PrepareAsync();

        var seeder = ActivatorUtilities.CreateInstance<Seeder>(app.Services);
        var clock = Stopwatch.StartNew();
        IReadOnlyDictionary<string, string> values;
        if (mode == "people")
        {
            var count = Number(options, "count", 100_000);
            values = await seeder.SeedPeopleAsync(count, options["credentials"], CancellationToken.None);
            await Console.Error.WriteLineAsync($"seed: {count} people seeded in {clock.Elapsed.TotalSeconds:F1} s");
        }
        else
        {
            var members = Number(options, "members", 100_000);
            var workspaces = Number(options, "workspaces", 100_000);
            values = await seeder.SeedLargeAsync(members, workspaces, CancellationToken.None);
            await Console.Error.WriteLineAsync($"seed: a {members}-member workspace, a 10-member one and {workspaces} others seeded in {clock.Elapsed.TotalSeconds:F1} s");
        }

        await File.WriteAllLinesAsync(envFile, values.Select(pair => $"{pair.Key}='{pair.Value}'"));
        return 0;
    }

    private static int Number(Dictionary<string, string> options, string name, int fallback) =>
        options.TryGetValue(name, out var text) ? int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture) : fallback;

    private static bool TryReadOptions(ReadOnlySpan<string> args, out Dictionary<string, string> options)
    {
        options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                return false;
            }

            options[args[i][2..]] = args[i + 1];
        }

        return true;
    }
}
