using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Roster.Infrastructure.Hosting;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Operations;

/// <summary>
/// Data-protection keys are created in the background ahead of need, so that the framework never creates one inside a
/// request (on SQLite, inside a use case's transaction, its write would wait for the request's own writer turn).
/// </summary>
public sealed class DataProtectionKeyRotationTests
{
    [Fact]
    public async Task The_successor_is_created_three_days_before_the_last_key_expires_active_two_days_later_and_only_once()
    {
        await using var app = await IsolatedApp.StartAsync(new Dictionary<string, string>());
        var rotation = app.Services.GetRequiredService<DataProtectionKeyRotation>();
        var keys = app.Services.GetRequiredService<IKeyManager>();
        var first = Assert.Single(keys.GetAllKeys());

        // The start made the first key; for most of its life nothing is needed.
        Assert.Null(rotation.EnsureKeys(first.ActivationDate.AddDays(1)));
        Assert.Null(rotation.EnsureKeys(first.ExpirationDate - DataProtectionKeyRotation.Lead - TimeSpan.FromMinutes(1)));

        // Three days before it expires, its successor: active in two days (before the first expires), for 90 days.
        var at = first.ExpirationDate - DataProtectionKeyRotation.Lead + TimeSpan.FromMinutes(1);
        var successor = rotation.EnsureKeys(at);
        Assert.NotNull(successor);
        Assert.Equal(at + DataProtectionKeyRotation.Propagation, successor.ActivationDate);
        Assert.Equal(TimeSpan.FromDays(90), successor.ExpirationDate - successor.ActivationDate);
        Assert.True(successor.ActivationDate < first.ExpirationDate);

        // Checked again an hour later (or by another instance that read the new key): nothing more.
        Assert.Null(rotation.EnsureKeys(at + DataProtectionKeyRotation.CheckInterval));
        Assert.Equal(2, keys.GetAllKeys().Count);

        // A server that was down until every key expired gets a key active at once.
        var late = successor.ExpirationDate + TimeSpan.FromDays(1);
        var immediate = rotation.EnsureKeys(late);
        Assert.NotNull(immediate);
        Assert.Equal(late, immediate.ActivationDate);
    }

    [Fact]
    public async Task A_revoked_key_does_not_count_as_active()
    {
        await using var app = await IsolatedApp.StartAsync(new Dictionary<string, string>());
        var rotation = app.Services.GetRequiredService<DataProtectionKeyRotation>();
        var keys = app.Services.GetRequiredService<IKeyManager>();
        var first = Assert.Single(keys.GetAllKeys());
        keys.RevokeKey(first.KeyId, "test");

        var now = first.ActivationDate.AddHours(1);
        var replacement = rotation.EnsureKeys(now);

        Assert.NotNull(replacement);
        Assert.Equal(now, replacement.ActivationDate);
    }
}
