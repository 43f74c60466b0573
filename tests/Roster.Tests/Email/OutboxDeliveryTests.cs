using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Roster.Infrastructure.Data;
using Roster.Infrastructure.Email;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Email;

/// <summary>
/// The durable outbox's delivery (issue 8, part 4): messages a use case committed reach a real SMTP server once, after the
/// commit and only then; a server that is down is retried with the row showing why; a refused recipient fails at once;
/// two instances on one database never send a message twice; the stored body is encrypted and cleared once sent.
/// </summary>
public sealed class OutboxDeliveryTests(RosterApp app)
{
    /// <summary>
    /// The message to <paramref name="to"/>, with the app's clock moving a poll (5 s) every half second meanwhile: on a
    /// busy machine the worker may begin its wait for the next poll only after the test's last step of the clock, and a
    /// fake clock that then stood still would never wake it.
    /// </summary>
    private static async Task<MimeKit.MimeMessage> WaitForMailAsync(TestSmtpServer smtp, string to, FakeTimeProvider clock)
    {
        var arriving = smtp.Mailbox.WaitForMessageAsync(to);
        while (!arriving.IsCompleted)
        {
            await Task.WhenAny(arriving, Task.Delay(500, Cancel));
            clock.Advance(TimeSpan.FromSeconds(5));
        }

        return await arriving;
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_committed_message_is_sent_at_once_without_waiting_for_a_poll_and_its_body_is_cleared()
    {
        // The poll is an hour away: only the commit's signal can send it within the test's wait.
        await using var smtp = new TestSmtpServer();
        await smtp.StartAsync();
        await using var isolated = await IsolatedApp.StartAsync(SmtpSettings(smtp.Port, pollInterval: "01:00:00"));
        var to = TestUsers.NewEmail();
        var secret = $"secret-{Guid.NewGuid():N}";

        var id = await AddAsync(isolated.Services, Message(to, secret));

        var received = await smtp.Mailbox.WaitForMessageAsync(to);
        Assert.Contains(secret, received.TextBody, StringComparison.Ordinal);
        var row = await WaitForRowAsync(isolated.Services, id, m => m.Status == OutboxMessageStatus.Sent);
        Assert.Null(row.ProtectedBody);
        Assert.NotNull(row.SentAt);
        Assert.Equal(1, row.Attempts);
        Assert.Null(row.LockedUntil);
    }

    [Fact]
    public async Task A_message_added_in_a_rolled_back_transaction_is_never_sent()
    {
        await using var smtp = new TestSmtpServer();
        await smtp.StartAsync();
        await using var isolated = await IsolatedApp.StartAsync(SmtpSettings(smtp.Port, pollInterval: "00:00:00.200"));
        var rolledBack = TestUsers.NewEmail();
        var committed = TestUsers.NewEmail();

        Guid rolledBackId;
        await using (var scope = isolated.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RosterDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync(Cancel);
            rolledBackId = scope.ServiceProvider.GetRequiredService<EmailOutbox>().Add(Message(rolledBack, "never"), "test");
            await db.SaveChangesAsync(Cancel);
            await transaction.RollbackAsync(Cancel);
        }

        // A later message is delivered; by then the worker has polled several times and would have found the first.
        await Task.Delay(TimeSpan.FromSeconds(1), Cancel);
        await AddAsync(isolated.Services, Message(committed, "sent"));
        await smtp.Mailbox.WaitForMessageAsync(committed);

        Assert.DoesNotContain(smtp.Mailbox.Messages, m => m.To.Mailboxes.Any(box => box.Address == rolledBack));
        await using var check = isolated.Services.CreateAsyncScope();
        Assert.False(await check.ServiceProvider.GetRequiredService<RosterDbContext>().OutboxMessages.AnyAsync(m => m.Id == rolledBackId, Cancel));
    }

    [Fact]
    public async Task With_the_server_down_the_row_shows_the_failure_and_once_it_is_back_the_message_is_sent_once()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        var port = FreePort();
        var logs = new LogRecorder();
        await using var isolated = await IsolatedApp.StartAsync(SmtpSettings(port, pollInterval: "00:00:05"), logs, services: services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(clock);
        });
        var to = TestUsers.NewEmail();
        var secret = $"secret-{Guid.NewGuid():N}";

        var id = await AddAsync(isolated.Services, Message(to, secret));

        // Nothing listens on the port: the first try fails, and the row says so while it waits 30 s for the next.
        var waiting = await WaitForRowAsync(isolated.Services, id, m => m.Attempts == 1 && m.LockedUntil == null);
        Assert.Equal(OutboxMessageStatus.Pending, waiting.Status);
        Assert.NotNull(waiting.LastError);
        Assert.Contains($"127.0.0.1:{port}", waiting.LastError, StringComparison.Ordinal);
        Assert.Equal(waiting.CreatedAt + TimeSpan.FromSeconds(30), waiting.NextAttemptAt);
        Assert.NotNull(waiting.ProtectedBody);
        Assert.DoesNotContain(secret, waiting.ProtectedBody, StringComparison.Ordinal);

        await using var smtp = new TestSmtpServer();
        await smtp.StartAsync(port);
        clock.Advance(TimeSpan.FromSeconds(31));

        var received = await WaitForMailAsync(smtp, to, clock);
        Assert.Contains(secret, received.TextBody, StringComparison.Ordinal);
        var sent = await WaitForRowAsync(isolated.Services, id, m => m.Status == OutboxMessageStatus.Sent);
        Assert.Equal(2, sent.Attempts);
        Assert.Null(sent.ProtectedBody);

        // Later polls (an hour on the app's clock) find nothing more to send.
        for (var step = 0; step < 12; step++)
        {
            clock.Advance(TimeSpan.FromMinutes(5));
            await Task.Delay(50, Cancel);
        }

        await Task.Delay(500, Cancel);
        Assert.Single(smtp.Mailbox.Messages, m => m.To.Mailboxes.Any(box => box.Address == to));

        // The log tells the operator what happened, by id, kind, recipient and attempt; never the body or its link.
        Assert.Contains(logs.Entries, entry => entry.StartsWith("Warning", StringComparison.Ordinal) && entry.Contains(id.ToString(), StringComparison.Ordinal) && entry.Contains("attempt 1", StringComparison.Ordinal));
        Assert.Contains(logs.Entries, entry => entry.Contains(id.ToString(), StringComparison.Ordinal) && entry.Contains("sent (attempt 2)", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Entries, entry => entry.Contains(secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_message_held_by_a_worker_that_died_is_sent_once_its_lease_ends_and_not_before()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        await using var smtp = new TestSmtpServer();
        await smtp.StartAsync();
        await using var isolated = await IsolatedApp.StartAsync(SmtpSettings(smtp.Port, pollInterval: "00:00:05"), services: services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(clock);
        });
        var to = TestUsers.NewEmail();

        // As another instance leaves it when killed mid-send: claimed (one attempt, a lease of two minutes), never finished.
        Guid id;
        var leaseEnds = clock.GetUtcNow() + TimeSpan.FromMinutes(2);
        await using (var scope = isolated.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RosterDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync(Cancel);
            id = scope.ServiceProvider.GetRequiredService<EmailOutbox>().Add(Message(to, "after the lease"), "test");
            await db.SaveChangesAsync(Cancel);
            await db.OutboxMessages.Where(m => m.Id == id).ExecuteUpdateAsync(
                setters => setters.SetProperty(m => m.LockedUntil, (DateTimeOffset?)leaseEnds).SetProperty(m => m.Attempts, 1), Cancel);
            await transaction.CommitAsync(Cancel);
        }

        // Polls within the lease leave it alone.
        for (var step = 0; step < 5; step++)
        {
            clock.Advance(TimeSpan.FromSeconds(20));
            await Task.Delay(100, Cancel);
        }

        await Task.Delay(500, Cancel);
        Assert.Empty(smtp.Mailbox.Messages);
        Assert.Equal(1, (await ReadAsync(isolated.Services, id)).Attempts);

        clock.Advance(TimeSpan.FromSeconds(25));
        await WaitForMailAsync(smtp, to, clock);
        var sent = await WaitForRowAsync(isolated.Services, id, m => m.Status == OutboxMessageStatus.Sent);
        Assert.Equal(2, sent.Attempts);
        Assert.Single(smtp.Mailbox.Messages);
    }

    [Fact]
    public async Task A_message_the_server_never_takes_is_given_up_after_the_configured_time_with_its_body_cleared()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        var port = FreePort();
        var settings = SmtpSettings(port, pollInterval: "00:00:05");
        settings["Roster:Email:Outbox:FirstRetryDelay"] = "00:00:30";
        settings["Roster:Email:Outbox:MaxRetryDelay"] = "00:01:00";
        settings["Roster:Email:Outbox:GiveUpAfter"] = "00:05:00";
        await using var isolated = await IsolatedApp.StartAsync(settings, services: services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(clock);
        });

        var id = await AddAsync(isolated.Services, Message(TestUsers.NewEmail(), "never delivered"));
        var start = clock.GetUtcNow();
        await WaitForRowAsync(isolated.Services, id, m => m.Attempts == 1 && m.LockedUntil == null);

        var row = await ReadAsync(isolated.Services, id);
        for (var step = 0; step < 60 && row.Status == OutboxMessageStatus.Pending; step++)
        {
            // Still pending: it is not given up before its time.
            Assert.True(clock.GetUtcNow() - start < TimeSpan.FromMinutes(5) + TimeSpan.FromMinutes(1), "Still pending long after GiveUpAfter.");
            clock.Advance(TimeSpan.FromSeconds(15));
            await Task.Delay(150, Cancel);
            row = await ReadAsync(isolated.Services, id);
        }

        Assert.Equal(OutboxMessageStatus.Failed, row.Status);
        Assert.True(clock.GetUtcNow() - start >= TimeSpan.FromMinutes(4), "Given up before the last retry within GiveUpAfter was due.");
        Assert.True(row.Attempts > 3, $"Only {row.Attempts} attempts in five minutes of retries.");
        Assert.Null(row.ProtectedBody);
        Assert.Null(row.SentAt);
        Assert.Contains($"127.0.0.1:{port}", row.LastError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, 30)]
    [InlineData(2, 60)]
    [InlineData(3, 120)]
    [InlineData(7, 1920)]
    [InlineData(8, 3600)]
    [InlineData(40, 3600)]
    public void The_wait_after_a_failed_try_doubles_from_thirty_seconds_up_to_an_hour(int attempts, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), OutboxWorker.RetryDelay(attempts, new OutboxOptions()));

    [Fact]
    public async Task A_recipient_the_server_refuses_for_good_fails_at_once_without_retrying()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        await using var smtp = new TestSmtpServer();
        await smtp.StartAsync();
        await using var isolated = await IsolatedApp.StartAsync(SmtpSettings(smtp.Port, pollInterval: "00:00:05"), services: services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(clock);
        });
        var refused = TestUsers.NewEmail();
        smtp.RefuseRecipient(refused);

        var id = await AddAsync(isolated.Services, Message(refused, "nobody reads this"));

        var failed = await WaitForRowAsync(isolated.Services, id, m => m.Status == OutboxMessageStatus.Failed);
        Assert.Equal(1, failed.Attempts);
        Assert.Null(failed.ProtectedBody);
        Assert.Contains("550", failed.LastError, StringComparison.Ordinal);

        // A day of polls later it was not tried again.
        for (var step = 0; step < 10; step++)
        {
            clock.Advance(TimeSpan.FromHours(3));
            await Task.Delay(50, Cancel);
        }

        await Task.Delay(500, Cancel);
        var after = await ReadAsync(isolated.Services, id);
        Assert.Equal(1, after.Attempts);
        Assert.Empty(smtp.Mailbox.Messages);
    }

    [Fact]
    public async Task Two_instances_sharing_the_outbox_send_each_of_many_messages_exactly_once()
    {
        await using var second = await app.StartSecondInstanceAsync();
        var recipients = Enumerable.Range(0, 60).Select(_ => TestUsers.NewEmail()).ToList();

        // All saved at once, then both workers poked together: they race for the same rows.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var outbox = scope.ServiceProvider.GetRequiredService<EmailOutbox>();
            foreach (var to in recipients)
            {
                outbox.Add(Message(to, "once"), "test");
            }

            await scope.ServiceProvider.GetRequiredService<RosterDbContext>().SaveChangesAsync(Cancel);
        }

        second.Services.GetRequiredService<OutboxSignal>().Poke();
        app.Services.GetRequiredService<OutboxSignal>().Poke();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (Received(recipients, app, second) < recipients.Count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, Cancel);
        }

        // A moment more, for a second copy that would still be on its way.
        await Task.Delay(TimeSpan.FromSeconds(1), Cancel);
        var copies = recipients.ToDictionary(to => to, to => CountTo(app.Mailbox, to) + CountTo(second.Mailbox, to));
        Assert.All(copies, pair => Assert.Equal(1, pair.Value));
        await using var check = app.Services.CreateAsyncScope();
        var rows = await check.ServiceProvider.GetRequiredService<RosterDbContext>().OutboxMessages.AsNoTracking()
            .Where(m => recipients.Contains(m.To)).ToListAsync(Cancel);
        Assert.Equal(recipients.Count, rows.Count);
        Assert.All(rows, row =>
        {
            Assert.Equal(OutboxMessageStatus.Sent, row.Status);
            Assert.Equal(1, row.Attempts);
            Assert.Null(row.ProtectedBody);
        });
    }

    [Fact]
    public async Task Sent_and_failed_rows_go_after_the_retention_but_never_a_pending_one_nor_an_open_email_invitations()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        await using var smtp = new TestSmtpServer();
        await smtp.StartAsync();
        var settings = SmtpSettings(smtp.Port, pollInterval: "01:00:00");
        settings["Roster:Plans:Default"] = "Pro";
        await using var isolated = await IsolatedApp.StartAsync(settings, services: services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(clock);
        });

        // An Admin invites two addresses by email and revokes one invitation; a third message stays pending.
        var client = isolated.CreateClient();
        var admin = TestUsers.NewEmail();
        using (var registered = await client.PostAsJsonAsync("/api/v1/auth/register", new { email = admin, password = TestUsers.Password }, Cancel))
        {
            await registered.EnsureSuccessAsync();
        }

        client.DefaultRequestHeaders.Authorization = new("Bearer", await TestUsers.AccessTokenAsync(client, admin));
        var workspace = await client.CreateWorkspaceAsync();
        var (open, revoked) = (TestUsers.NewEmail(), TestUsers.NewEmail());
        var invited = await client.InviteByEmailAsync(workspace.Id, "Member", open, revoked);
        using (var revoke = await client.DeleteAsync(
            new Uri($"/api/v1/workspaces/{workspace.Id}/email-invitations/{invited.Invited.Single(i => i.Email == revoked).Id}", UriKind.Relative), Cancel))
        {
            await revoke.EnsureSuccessAsync();
        }

        foreach (var to in new[] { admin, open, revoked })
        {
            await smtp.Mailbox.WaitForMessageAsync(to);
        }

        var pending = await AddAsync(isolated.Services, Message(TestUsers.NewEmail(), "pending"));
        await WaitForRowAsync(isolated.Services, pending, m => m.Status == OutboxMessageStatus.Sent);
        await using (var scope = isolated.Services.CreateAsyncScope())
        {
            // Back to pending, and not due for a year: as a message whose retries still run would be.
            await scope.ServiceProvider.GetRequiredService<RosterDbContext>().OutboxMessages.Where(m => m.Id == pending)
                .ExecuteUpdateAsync(set => set.SetProperty(m => m.Status, OutboxMessageStatus.Pending).SetProperty(m => m.NextAttemptAt, clock.GetUtcNow().AddYears(1)), Cancel);
        }

        var worker = isolated.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<OutboxWorker>().Single();
        Assert.Equal(0, await worker.PurgeAsync(Cancel));
        var before = await RecipientsAsync(isolated.Services);
        Assert.Contains(open, before);
        Assert.Contains(revoked, before);

        // A day short of the retention nothing goes; past it, all but the open invitation's message and the pending one.
        clock.Advance(TimeSpan.FromDays(29));
        Assert.Equal(0, await worker.PurgeAsync(Cancel));
        clock.Advance(TimeSpan.FromDays(2));
        await worker.PurgeAsync(Cancel);

        var after = await RecipientsAsync(isolated.Services);
        Assert.Contains(open, after);
        Assert.DoesNotContain(revoked, after);
        Assert.DoesNotContain(admin, after);
        Assert.Equal(2, after.Count);
        Assert.Equal(OutboxMessageStatus.Pending, (await ReadAsync(isolated.Services, pending)).Status);
        client.DefaultRequestHeaders.Authorization = new("Bearer", await TestUsers.AccessTokenAsync(client, admin));
        var listed = Assert.Single(await client.ListEmailInvitationsAsync(workspace.Id));
        Assert.Equal((open, "sent"), (listed.Email, listed.Delivery.Status));
    }

    private static async Task<List<string>> RecipientsAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RosterDbContext>().OutboxMessages.AsNoTracking().Select(m => m.To).ToListAsync(Cancel);
    }

    private static int Received(IEnumerable<string> recipients, RosterApp first, RosterApp second) =>
        recipients.Count(to => CountTo(first.Mailbox, to) + CountTo(second.Mailbox, to) > 0);

    private static int CountTo(Mailbox mailbox, string to) =>
        mailbox.Messages.Count(m => m.To.Mailboxes.Any(box => string.Equals(box.Address, to, StringComparison.OrdinalIgnoreCase)));

    private static EmailMessage Message(string to, string secret) =>
        new(to, "Outbox test", $"Your link: https://roster.example.org/x/{secret}\n", $"<p><a href=\"https://roster.example.org/x/{secret}\">link</a></p>");

    private static Dictionary<string, string> SmtpSettings(int port, string pollInterval) => new()
    {
        ["Roster:PublicUrl"] = "https://roster.example.org",
        ["Roster:Email:SmtpHost"] = "127.0.0.1",
        ["Roster:Email:SmtpPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Roster:Email:SmtpSecurity"] = "None",
        ["Roster:Email:Outbox:PollInterval"] = pollInterval,
    };

    /// <summary>Adds <paramref name="message"/> through <see cref="EmailOutbox"/> and saves it, as a use case does.</summary>
    private static async Task<Guid> AddAsync(IServiceProvider services, EmailMessage message)
    {
        await using var scope = services.CreateAsyncScope();
        var id = scope.ServiceProvider.GetRequiredService<EmailOutbox>().Add(message, "test");
        await scope.ServiceProvider.GetRequiredService<RosterDbContext>().SaveChangesAsync(Cancel);
        return id;
    }

    private static async Task<OutboxMessage> ReadAsync(IServiceProvider services, Guid id)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RosterDbContext>().OutboxMessages.AsNoTracking().SingleAsync(m => m.Id == id, Cancel);
    }

    private static async Task<OutboxMessage> WaitForRowAsync(IServiceProvider services, Guid id, Func<OutboxMessage, bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var row = await ReadAsync(services, id);
            if (condition(row))
            {
                return row;
            }

            Assert.True(DateTime.UtcNow < deadline, $"The outbox row stayed {row.Status} with {row.Attempts} attempts ({row.LastError}).");
            await Task.Delay(100, Cancel);
        }
    }

    /// <summary>A port nothing listens on: bound and released at once.</summary>
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
