using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Fuzzing;

/// <summary>A request that answered 5xx, too slowly, not at all, or (under /api) a 4xx without a problem and its code.</summary>
public sealed record FuzzFailure(FuzzRequest Request, string Kind, int? Status, IReadOnlyList<TimeSpan> Times, string Body)
{
    /// <summary>What the server's exception handler caught for this request (a 5xx), when it reported it.</summary>
    public Exception? ServerException { get; init; }

    public string Summary =>
        $"{Kind}: {(Status is { } status ? status.ToString(CultureInfo.InvariantCulture) : "no status")} in {string.Join(", ", Times.Select(time => $"{time.TotalMilliseconds:N0} ms"))}";
}

/// <summary>
/// Sends the cases, checks each answer and keeps the failures. The rules (issue 11): no 5xx; no answer slower than
/// <see cref="SlowLimit"/>, where a slow answer is sent again (sequentially, up to twice) and counts only if every
/// attempt is slow, so that a loaded machine does not fail the suite; an attempt that takes <see cref="GiveUp"/> is not
/// load noise and is not repeated; a 4xx under <c>/api</c> is <c>application/problem+json</c> with a <c>code</c>.
/// The choice of cases is seeded: each operation and caller gets every category at least once and a fixed budget.
/// </summary>
public sealed class FuzzRunner(FuzzWorld world) : IDisposable
{
    public static readonly TimeSpan SlowLimit = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan GiveUp = TimeSpan.FromSeconds(5);

    /// <summary>Concurrent requests within one operation's cases.</summary>
    public const int Parallelism = 3;

    private readonly ConcurrentBag<FuzzFailure> failures = [];
    private readonly ConcurrentDictionary<string, int> sent = new(StringComparer.Ordinal);
    private readonly ServerExceptions serverExceptions = new();
    private int cases;

    /// <summary>The seed of the choice of cases: <c>ROSTER_FUZZ_SEED</c>, or 11 (the issue's number), so that a run repeats.</summary>
    public static int Seed { get; } = int.TryParse(Environment.GetEnvironmentVariable("ROSTER_FUZZ_SEED"), CultureInfo.InvariantCulture, out var seed) ? seed : 11;

    public IReadOnlyCollection<FuzzFailure> Failures => failures;

    /// <summary>How many requests each coverage key was sent.</summary>
    public IReadOnlyDictionary<string, int> Sent => sent;

    public int Requests => sent.Values.Sum();

    /// <summary>
    /// The seeded choice among one operation's cases for one caller: at least one case of every category (so every kind
    /// of hostile value reaches every operation), then others at random up to <paramref name="budget"/>; the valid
    /// request always, last.
    /// </summary>
    public static IReadOnlyList<FuzzRequest> Choose(IEnumerable<FuzzRequest> cases, int budget)
    {
        var all = cases.ToList();
        if (all.Count == 0)
        {
            return [];
        }

        var random = new Random(StableHash($"{Seed}|{all[0].Operation}|{all[0].Caller}"));
        var chosen = new List<FuzzRequest>();
        var rest = new List<FuzzRequest>();
        foreach (var category in all.Where(request => !request.IsBaseline).GroupBy(request => request.Category))
        {
            var shuffled = category.ToArray();
            random.Shuffle(shuffled);
            chosen.Add(shuffled[0]);
            rest.AddRange(shuffled.Skip(1));
        }

        var remaining = rest.ToArray();
        random.Shuffle(remaining);
        chosen.AddRange(remaining.Take(Math.Max(0, budget - chosen.Count)));
        chosen.AddRange(all.Where(request => request.IsBaseline));
        return chosen;
    }

    /// <summary>Sends one operation's chosen cases: the hostile ones concurrently, then the valid ones.</summary>
    public async Task RunAsync(IReadOnlyList<FuzzRequest> requests)
    {
        await Parallel.ForEachAsync(
            requests.Where(request => !request.IsBaseline),
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = TestContext.Current.CancellationToken },
            async (request, _) => await CheckAsync(request));
        foreach (var request in requests.Where(request => request.IsBaseline))
        {
            await CheckAsync(request);
        }
    }

    /// <summary>
    /// The failures grouped by cause (kind, operation, what was hostile), each with one request that caused it and, for
    /// a 5xx, the exception the server's exception handler caught.
    /// </summary>
    public string Report(string title, int maxGroups = 100)
    {
        var groups = failures
            .GroupBy(failure => (failure.Kind, failure.Request.Operation, failure.Request.Category))
            .OrderBy(group => group.Key.Kind, StringComparer.Ordinal).ThenBy(group => group.Key.Operation, StringComparer.Ordinal)
            .ThenBy(group => group.Key.Category, StringComparer.Ordinal)
            .ToList();
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"{title}: {failures.Count} failing requests in {groups.Count} groups (seed {Seed}, {Requests} requests, database {(TestDatabase.IsPostgreSql ? "PostgreSQL" : "SQLite")})");
        foreach (var group in groups.Take(maxGroups))
        {
            var example = group.OrderBy(failure => failure.ServerException is null ? 1 : 0).ThenBy(failure => failure.Request.Detail, StringComparer.Ordinal).First();
            report.AppendLine(CultureInfo.InvariantCulture, $"- [{group.Key.Kind}] {group.Key.Operation} / {group.Key.Category}: {group.Count()} requests ({string.Join("; ", group.Select(failure => failure.Request.Detail).Distinct().Order(StringComparer.Ordinal).Take(8))})");
            report.AppendLine(CultureInfo.InvariantCulture, $"    {example.Request.Describe()}");
            report.AppendLine(CultureInfo.InvariantCulture, $"    answered {example.Summary}{(example.Body.Length == 0 ? "" : $": {Shorten(example.Body, 300)}")}");
            foreach (var line in ExceptionLines(example.ServerException))
            {
                report.AppendLine(CultureInfo.InvariantCulture, $"    server: {line}");
            }
        }

        if (groups.Count > maxGroups)
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"... and {groups.Count - maxGroups} more groups.");
        }

        return report.ToString();
    }

    private async Task CheckAsync(FuzzRequest request)
    {
        sent.AddOrUpdate(request.Operation, 1, (_, count) => count + 1);
        if (await AttemptsAsync(request) is { } failure)
        {
            failures.Add(failure);
        }
    }

    private async Task<FuzzFailure?> AttemptsAsync(FuzzRequest request)
    {
        var times = new List<TimeSpan>();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var caseId = Interlocked.Increment(ref cases).ToString(CultureInfo.InvariantCulture);
            var (status, elapsed, body, contentType, kestrelRejection) = await SendAsync(request, caseId);
            times.Add(elapsed);
            if (status is null)
            {
                return new FuzzFailure(request, elapsed >= GiveUp ? $"no answer within {GiveUp.TotalSeconds:N0} s" : "connection error", null, times, body);
            }

            if (status >= 500)
            {
                return new FuzzFailure(request, "5xx", status, times, body) { ServerException = serverExceptions.Of(caseId) };
            }

            if (elapsed <= SlowLimit)
            {
                return !kestrelRejection && ProblemRuleBroken(request, status.Value, contentType, body) is { } broken
                    ? new FuzzFailure(request, broken, status, times, body)
                    : null;
            }

            if (elapsed >= GiveUp)
            {
                break;
            }
        }

        return new FuzzFailure(request, $"slower than {SlowLimit.TotalSeconds:N0} s", null, times, "");
    }

    private async Task<(int? Status, TimeSpan Elapsed, string Body, string? ContentType, bool KestrelRejection)> SendAsync(FuzzRequest request, string caseId)
    {
        var client = request.Operation.StartsWith("PAGE", StringComparison.Ordinal) ? world.PageClient(request.Caller) : world.ApiClient(request.Caller);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(GiveUp);
        var stopwatch = Stopwatch.StartNew();
        try
        {
            using var message = request.ToMessage();
            message.Headers.TryAddWithoutValidation(ServerExceptions.Header, caseId);
            using var response = await client.SendAsync(message, HttpCompletionOption.ResponseContentRead, timeout.Token);
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            // Kestrel refuses a request it cannot parse (a NUL in the decoded path, a request line too long) before any
            // middleware runs: an empty 4xx that closes the connection, which the app has no chance to make a problem.
            var kestrelRejection = response.Headers.ConnectionClose == true && body.Length == 0 && response.Content.Headers.ContentType is null;
            return ((int)response.StatusCode, stopwatch.Elapsed, body, response.Content.Headers.ContentType?.MediaType, kestrelRejection);
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            return (null, stopwatch.Elapsed, "", null, false);
        }
        catch (HttpRequestException exception)
        {
            return (null, stopwatch.Elapsed, exception.Message + (exception.InnerException is { } inner ? " / " + inner.Message : ""), null, false);
        }
    }

    /// <summary>A 4xx under /api must be a problem with a code; Kestrel's own 414 and 431 (like its other refusals) come before the app and cannot be.</summary>
    private static string? ProblemRuleBroken(FuzzRequest request, int status, string? contentType, string body)
    {
        if (!request.Path.StartsWith("/api", StringComparison.Ordinal) || status is < 400 or > 499 or 414 or 431)
        {
            return null;
        }

        if (contentType != "application/problem+json")
        {
            return $"4xx without application/problem+json (Content-Type {contentType ?? "none"})";
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String && code.GetString()!.Length > 0
                ? null
                : "4xx problem without a code";
        }
        catch (JsonException)
        {
            return "4xx problem that is not JSON";
        }
    }

    /// <summary>The exception's type and message, and those of its inner exceptions, with the first frames in Roster's code.</summary>
    private static IEnumerable<string> ExceptionLines(Exception? exception)
    {
        if (exception is null)
        {
            yield break;
        }

        for (var current = exception; current is not null; current = current.InnerException)
        {
            yield return $"{current.GetType().FullName}: {Shorten(current.Message, 300)}";
        }

        foreach (var frame in (exception.StackTrace ?? "").Split('\n').Where(line => line.Contains(" Roster.", StringComparison.Ordinal)).Take(3))
        {
            yield return frame.Trim();
        }
    }

    public void Dispose() => serverExceptions.Dispose();

    private static string Shorten(string text, int length) =>
        (text.Length <= length ? text : text[..length] + "...").ReplaceLineEndings(" ");

    private static int StableHash(string text) => BitConverter.ToInt32(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0);
}
