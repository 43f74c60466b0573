namespace Roster.Tests.Security;

/// <summary>
/// The authorization matrix (SPEC section 10), driven through the real app: every row of
/// <see cref="AuthorizationMatrix"/> for every <see cref="Caller"/>, on one shared <see cref="AuthorizationScenario"/>.
/// A refused call must change nothing; every row leaves the scenario's own people, permissions, link and keys as
/// they were. And no endpoint or page handler may exist without a row.
/// </summary>
public sealed class AuthorizationMatrixTests(AuthorizationScenario scenario) : IClassFixture<AuthorizationScenario>
{
    public static IEnumerable<TheoryDataRow<string, Caller>> Cells() =>
        from row in AuthorizationMatrix.Rows
        from caller in Enum.GetValues<Caller>()
        select new TheoryDataRow<string, Caller>(row.Name, caller).WithTestDisplayName($"{row.Name} | {caller} -> {row.For(caller)}");

    [Theory]
    [MemberData(nameof(Cells))]
    public async Task Operation_ByCaller_AnswersItsCellAndARefusalChangesNothing(string operation, Caller caller)
    {
        var row = AuthorizationMatrix.Find(operation);
        var expected = row.For(caller);
        var call = await row.Prepare(scenario, caller);
        // A refusal changes nothing, and neither does a GET (SPEC section 8: no GET changes state).
        var unchanged = expected.Refused || call.Request.Method == HttpMethod.Get;
        var before = unchanged ? await scenario.SnapshotAsync() : null;

        using (var request = call.Request)
        using (var response = await call.Client.SendAsync(request, TestContext.Current.CancellationToken))
        {
            await expected.AssertAsync(response, SecretFor(caller));
        }

        var after = await scenario.SnapshotAsync();
        if (before is not null && before.Full != after.Full)
        {
            Assert.Fail($"The {(expected.Refused ? "refused call" : "GET")} changed the workspaces:\n{after.ChangesSince(before)}");
        }

        if (call.Verify is not null)
        {
            await call.Verify(!expected.Refused);
        }

        scenario.AssertIntact(after);
    }

    [Fact]
    public async Task EveryEndpointAndPageHandler_HasARow_AndEveryRowAnEndpoint()
    {
        var services = scenario.App.Services;
        var endpoints = await EndpointInventory.ListAsync(services);
        var covered = AuthorizationMatrix.Rows.Select(row => row.Endpoint).ToHashSet(StringComparer.Ordinal);
        var missing = endpoints.Where(endpoint => !covered.Contains(endpoint)).ToList();
        var orphans = covered.Where(row => !endpoints.Contains(row, StringComparer.Ordinal)).Order(StringComparer.Ordinal).ToList();
        var unusedExclusions = EndpointInventory.UnusedExclusions(services);
        var duplicates = AuthorizationMatrix.Rows.GroupBy(row => row.Name).Where(group => group.Count() > 1).Select(group => group.Key).ToList();

        var report = new List<string>();
        Report(report, "Endpoints or page handlers without a row in AuthorizationMatrix (add one, with an outcome for every caller):", missing);
        Report(report, "Rows whose endpoint or page handler does not exist (a page not built yet, or a route or handler renamed):", orphans);
        Report(report, "Exclusions in EndpointInventory that match no endpoint any more:", unusedExclusions);
        Report(report, "Rows with the same name (give one a variant):", duplicates);
        Assert.True(report.Count == 0, string.Join('\n', report));
    }

    /// <summary>
    /// What a caller outside the workspace must not learn from any answer: its name. Members know it already.
    /// </summary>
    private string? SecretFor(Caller caller) =>
        caller is Caller.Anonymous or Caller.AdminOfAnotherWorkspace or Caller.ApiKeyOfAnotherWorkspace ? scenario.Workspace.Name : null;

    private static void Report(List<string> report, string title, IReadOnlyCollection<string> items)
    {
        if (items.Count > 0)
        {
            report.Add(title);
            report.AddRange(items.Select(item => $"  {item}"));
        }
    }
}
