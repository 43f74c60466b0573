using System.Diagnostics;
using System.Text.RegularExpressions;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Operator;

/// <summary>One run of the operator's command line: its exit code, stdout and stderr.</summary>
public sealed partial record CommandRun(int ExitCode, string Out, string Error)
{
    /// <summary>The cells of the stdout table row that starts with <paramref name="firstCell"/> (columns are two or more spaces apart).</summary>
    public IReadOnlyList<string> Row(string firstCell) =>
        Out.Split('\n').Select(line => ColumnGap().Split(line.TrimEnd('\r')))
            .SingleOrDefault(cells => cells[0] == firstCell)
        ?? throw new Xunit.Sdk.XunitException($"No row starts with '{firstCell}' in:\n{Out}");

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Error}";

    [GeneratedRegex(" {2,}")]
    private static partial Regex ColumnGap();
}

/// <summary>
/// Runs the built program (the <c>Roster.dll</c> beside the tests) in a process of its own, as an operator would run
/// <c>dotnet run --project src/Roster -- &lt;command&gt;</c>: from the project's folder (its appsettings.json), with
/// environment variables pointing it at a test app's data folder and database.
/// </summary>
public static class RosterCommand
{
    private static readonly string ProjectFolder = FindProjectFolder();

    public static Task<CommandRun> RunAsync(RosterApp app, params string[] args) => RunAsync(app.DataFolder, app.Database, args);

    public static async Task<CommandRun> RunAsync(string dataFolder, TestDatabase database, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = ProjectFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Roster.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["Roster__DataFolder"] = dataFolder;
        start.Environment["Roster__Database__Provider"] = database.Provider;
        start.Environment.Remove("ConnectionStrings__Roster");
        if (database.ConnectionString is { } connectionString)
        {
            start.Environment["ConnectionStrings__Roster"] = connectionString;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(1));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new CommandRun(process.ExitCode, await output, await error);
    }

    private static string FindProjectFolder()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var project = Path.Combine(folder.FullName, "src", "Roster");
            if (File.Exists(Path.Combine(project, "appsettings.json")))
            {
                return project;
            }
        }

        throw new InvalidOperationException($"No src/Roster above {AppContext.BaseDirectory}.");
    }
}
