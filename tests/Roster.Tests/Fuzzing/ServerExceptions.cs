using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Roster.Tests.Fuzzing;

/// <summary>
/// The exceptions the server's exception handler caught, by the fuzz case that caused them. ASP.NET Core reports each
/// one on its <c>Microsoft.AspNetCore</c> diagnostic listener with the request's <see cref="HttpContext"/>; the fuzzer
/// tags its requests with <see cref="Header"/>, so a 5xx is matched to its exception even when requests run in
/// parallel with each other and with other tests (the log cannot tell them apart).
/// </summary>
public sealed class ServerExceptions : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    /// <summary>The request header that carries the case's number.</summary>
    public const string Header = "X-Fuzz-Case";

    private readonly ConcurrentDictionary<string, Exception> exceptions = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<IDisposable> subscriptions = [];

    public ServerExceptions() => subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(this));

    /// <summary>The exception of the case, if the server reported one.</summary>
    public Exception? Of(string caseId) => exceptions.GetValueOrDefault(caseId);

    public void OnNext(DiagnosticListener value)
    {
        if (value.Name == "Microsoft.AspNetCore")
        {
            subscriptions.Add(value.Subscribe(this, name => name.EndsWith("Exception", StringComparison.Ordinal)));
        }
    }

    public void OnNext(KeyValuePair<string, object?> value)
    {
        var payload = value.Value;
        var type = payload?.GetType();
        if (type?.GetProperty("httpContext")?.GetValue(payload) is HttpContext context
            && type.GetProperty("exception")?.GetValue(payload) is Exception exception
            && context.Request.Headers[Header].ToString() is { Length: > 0 } caseId)
        {
            exceptions[caseId] = exception;
        }
    }

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }

    public void Dispose()
    {
        foreach (var subscription in subscriptions)
        {
            subscription.Dispose();
        }
    }
}
