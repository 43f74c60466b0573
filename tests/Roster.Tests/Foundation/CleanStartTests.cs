using System.Net;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Foundation;

/// <summary>Operations (issue 9): an operator's first start of a fresh database logs nothing at error level.</summary>
public sealed class CleanStartTests
{
    [Fact]
    public async Task A_clean_start_on_a_fresh_database_logs_no_error_or_critical_line()
    {
        var logs = new LogRecorder();
        await using var app = await IsolatedApp.StartAsync(new Dictionary<string, string>(), logs);
        using var client = app.CreateClient();
        using var ready = await client.GetAsync(new Uri("/readyz", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.DoesNotContain(logs.Entries, entry => entry.StartsWith("Error ", StringComparison.Ordinal) || entry.StartsWith("Critical ", StringComparison.Ordinal));
    }
}
