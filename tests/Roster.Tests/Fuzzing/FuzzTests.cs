using System.Diagnostics;
using System.Text.Json;
using Roster.Tests.Infrastructure;
using Roster.Tests.Security;

namespace Roster.Tests.Fuzzing;

/// <summary>
/// Issue 11: every API operation (read from the OpenAPI document the app serves, plus any API endpoint the document
/// leaves out) and every page handler (read from <see cref="EndpointInventory"/>) is sent a seeded choice of hostile
/// requests, anonymous and as the Admin of a real workspace (and, on the API, as its API key), with real ids in the
/// route. No answer may be a 5xx or slower than a second, and every 4xx of the API is a problem with a code. A new
/// endpoint is fuzzed without editing this, and the coverage check fails if one is ever missed.
/// </summary>
public sealed class FuzzTests(RosterApp app)
{
    /// <summary>
    /// Cases per operation and caller (every category once, then random ones up to this). Measured on the 2-core CI
    /// machine under load (load average 20-35, the rest of the suite running): 45-85 s for both tests on PostgreSQL,
    /// 50 s on SQLite, about 4,600 requests; another seed (ROSTER_FUZZ_SEED) tries other cases.
    /// </summary>
    private static readonly Dictionary<FuzzCaller, int> Budget = new()
    {
        [FuzzCaller.Admin] = 32,
        [FuzzCaller.Anonymous] = 12,
        [FuzzCaller.ApiKey] = 6,
    };

    [Fact]
    public async Task Api_HostileRequests_AnswerNo5xxNothingSlowAndProblemsWithCodes()
    {
        var world = new FuzzWorld(app);
        await world.BuildAsync();
        using var runner = new FuzzRunner(world);
        var (document, operations) = await DiscoverApiAsync();
        var stopwatch = Stopwatch.StartNew();

        foreach (var operation in operations.OrderBy(operation => operation.Key, StringComparer.Ordinal))
        {
            await world.EnsureAliveAsync();
            foreach (var caller in Budget.Keys)
            {
                await runner.RunAsync(FuzzRunner.Choose(ApiCases.For(operation, caller, world, document), Budget[caller]));
            }
        }

        await world.EnsureAliveAsync();
        foreach (var caller in new[] { FuzzCaller.Anonymous, FuzzCaller.Admin })
        {
            await runner.RunAsync([.. ApiCases.UnknownMethods(operations, caller, world)]);
        }

        await AssertCleanAsync(runner, world, stopwatch, "API fuzzing", operations.Select(operation => operation.Key));
    }

    [Fact]
    public async Task Pages_HostileRequests_AnswerNo5xxAndNothingSlow()
    {
        var world = new FuzzWorld(app);
        await world.BuildAsync();
        using var runner = new FuzzRunner(world);
        var (pages, fields) = await DiscoverPagesAsync();
        var stopwatch = Stopwatch.StartNew();

        foreach (var page in pages)
        {
            await world.EnsureAliveAsync();
            foreach (var caller in new[] { FuzzCaller.Anonymous, FuzzCaller.Admin })
            {
                await runner.RunAsync(FuzzRunner.Choose(PageCases.For(page, fields[page], caller, world), Budget[caller]));
            }
        }

        foreach (var caller in new[] { FuzzCaller.Anonymous, FuzzCaller.Admin })
        {
            await world.EnsureAliveAsync();
            await runner.RunAsync([.. PageCases.RouteCases(pages, caller, world)]);
        }

        await AssertCleanAsync(runner, world, stopwatch, "Page fuzzing", pages);
    }

    /// <summary>
    /// The coverage check: what the fuzzer discovers is every operation of the OpenAPI document and every endpoint of
    /// the inventory (API and page handlers alike), and each of them yields cases for every caller.
    /// </summary>
    [Fact]
    public async Task Discovery_CoversEveryOpenApiOperationAndEveryInventoryEndpoint()
    {
        var world = new FuzzWorld(app);
        await world.BuildAsync();
        var (document, operations) = await DiscoverApiAsync();
        var (pages, fields) = await DiscoverPagesAsync();
        var inventory = await EndpointInventory.ListAsync(app.Services);

        var documented = new List<string>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            documented.AddRange(path.Value.EnumerateObject().Where(operation => operation.Name != "parameters")
                .Select(operation => EndpointInventory.Key(page: false, operation.Name.ToUpperInvariant(), path.Name, handler: null)));
        }

        var fuzzed = operations.Select(operation => operation.Key).Concat(pages).ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(documented);
        var undocumentedMissed = documented.Where(key => !fuzzed.Contains(key)).ToList();
        Assert.True(undocumentedMissed.Count == 0, $"OpenAPI operations the fuzzer does not discover: {string.Join(", ", undocumentedMissed)}");
        var inventoryMissed = inventory.Where(key => !fuzzed.Contains(key) && !(key.StartsWith("* ", StringComparison.Ordinal) && fuzzed.Contains("POST " + key[2..]))).ToList();
        Assert.True(inventoryMissed.Count == 0, $"Endpoints the fuzzer does not discover: {string.Join(", ", inventoryMissed)}");
        foreach (var caller in Budget.Keys)
        {
            Assert.All(operations, operation => Assert.Contains(ApiCases.For(operation, caller, world, document), request => !request.IsBaseline));
        }

        foreach (var caller in new[] { FuzzCaller.Anonymous, FuzzCaller.Admin })
        {
            Assert.All(pages, page => Assert.Contains(PageCases.For(page, fields[page], caller, world), request => !request.IsBaseline));
        }
    }

    private async Task<(JsonElement Document, IReadOnlyList<ApiOperation> Operations)> DiscoverApiAsync()
    {
        using var client = app.CreateHttpClient();
        var text = await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative), TestContext.Current.CancellationToken);
        using var parsed = JsonDocument.Parse(text);
        var document = parsed.RootElement.Clone();
        var inventory = await EndpointInventory.ListAsync(app.Services);
        return (document, ApiCases.Read(document, inventory));
    }

    private async Task<(IReadOnlyList<string> Pages, IReadOnlyDictionary<string, IReadOnlyList<FormField>> Fields)> DiscoverPagesAsync()
    {
        var inventory = await EndpointInventory.ListAsync(app.Services);
        var fields = await PageCases.FieldsAsync(app.Services);
        var pages = inventory.Where(key => key.StartsWith("PAGE ", StringComparison.Ordinal)).ToList();
        return (pages, fields);
    }

    private static async Task AssertCleanAsync(FuzzRunner runner, FuzzWorld world, Stopwatch stopwatch, string title, IEnumerable<string> operations)
    {
        var elapsed = stopwatch.Elapsed;
        var missed = operations.Where(operation => !runner.Sent.ContainsKey(operation)).ToList();
        var report = runner.Report(title);
        var summary = $"{title}: {runner.Requests} requests in {elapsed.TotalSeconds:N1} s, {world.Rebuilds} rebuilds of the world, {runner.Failures.Count} failures.";
        TestContext.Current.SendDiagnosticMessage(summary);
        TestContext.Current.TestOutputHelper?.WriteLine(summary);
        TestContext.Current.TestOutputHelper?.WriteLine(report);
        if (Environment.GetEnvironmentVariable("ROSTER_FUZZ_REPORT") is { Length: > 0 } file)
        {
            await File.AppendAllTextAsync(file, $"{summary}\n{report}\n", TestContext.Current.CancellationToken);
        }

        Assert.True(missed.Count == 0, $"Operations the fuzzer sent nothing: {string.Join(", ", missed)}");
        Assert.True(runner.Failures.Count == 0, $"{summary}\n{report}");
    }
}
