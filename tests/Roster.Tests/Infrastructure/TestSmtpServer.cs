using System.Buffers;
using System.Net;
using MimeKit;
using SmtpServer;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Roster.Tests.Infrastructure;

/// <summary>A real SMTP server on 127.0.0.1 and a free port; the app sends to it with MailKit as in production.</summary>
public sealed class TestSmtpServer : IAsyncDisposable
{
    private readonly HashSet<string> refused = new(StringComparer.OrdinalIgnoreCase);
    private readonly CancellationTokenSource stopping = new();
    private Task running = Task.CompletedTask;

    public Mailbox Mailbox { get; } = new();

    public int Port { get; private set; }

    /// <summary>Starts listening on <paramref name="port"/> (0: a free one), e.g. the port an app was told of while nothing listened there.</summary>
    public async Task StartAsync(int port = 0)
    {
        var started = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var listeners = new EndpointListenerFactory();
        listeners.EndpointStarted += (_, args) => started.TrySetResult(((IPEndPoint)args.LocalEndPoint).Port);

        var options = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(endpoint => endpoint.Endpoint(new IPEndPoint(IPAddress.Loopback, port)))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(listeners);
        services.Add(new MailboxMessageStore(Mailbox));
        services.Add(new DelegatingMailboxFilter((_, to, _) => !IsRefused($"{to.User}@{to.Host}")));

        var server = new SmtpServer.SmtpServer(options, services);
        running = server.StartAsync(stopping.Token);
        Port = await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>From now on the server refuses <paramref name="address"/> at RCPT TO with a 5xx (a mailbox that does not exist).</summary>
    public void RefuseRecipient(string address)
    {
        lock (refused)
        {
            refused.Add(address);
        }
    }

    private bool IsRefused(string address)
    {
        lock (refused)
        {
            return refused.Contains(address);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        try
        {
            await running;
        }
        catch (OperationCanceledException)
        {
        }

        stopping.Dispose();
    }

    private sealed class MailboxMessageStore(Mailbox mailbox) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(
            ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            mailbox.Add(await MimeMessage.LoadAsync(stream, cancellationToken));
            return SmtpResponse.Ok;
        }
    }
}
