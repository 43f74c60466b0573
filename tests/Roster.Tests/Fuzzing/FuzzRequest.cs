using System.Globalization;
using System.Text;

namespace Roster.Tests.Fuzzing;

/// <summary>
/// One hostile request the fuzzer sends: what it targets (<see cref="Operation"/>, the coverage key: an OpenAPI
/// operation such as <c>POST /api/v1/workspaces</c> or an inventory page handler such as
/// <c>PAGE POST /w/{workspaceId}/settings/workspace?handler=Rename</c>), who sends it, what was made hostile
/// (<see cref="Category"/> groups cases for the seeded choice and the findings; <see cref="Detail"/> names the value),
/// and the raw request: a path already percent-encoded (query included), a body as bytes (made when first sent) and a
/// Content-Type header as written (null: no header). Requests are rebuilt for each attempt, since a message is sent once.
/// </summary>
public sealed record FuzzRequest(
    string Operation,
    FuzzCaller Caller,
    string Category,
    string Detail,
    HttpMethod Method,
    string Path,
    Func<byte[]>? BodyFactory = null,
    string? ContentType = null)
{
    /// <summary>Bytes above which a body is sent with <c>Expect: 100-continue</c>.</summary>
    public const int LargeBody = 64 * 1024;

    private byte[]? body;

    /// <summary>The body, made on first use: the cases of an operation are many, and only a seeded few are sent.</summary>
    public byte[]? Body => BodyFactory is null ? null : body ??= BodyFactory();

    /// <summary>The valid request of an operation, sent after its hostile ones (it may delete what they target).</summary>
    public bool IsBaseline => Category == "baseline";

    /// <summary>A fresh message for one attempt.</summary>
    public HttpRequestMessage ToMessage()
    {
        var message = new HttpRequestMessage(Method, new Uri(Path, UriKind.Relative));
        if (Body is not null)
        {
            message.Content = new ByteArrayContent(Body);
            message.Content.Headers.Remove("Content-Type");
            if (ContentType is not null)
            {
                message.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
            }

            // A large body waits for the server's go-ahead, as curl does: a server that refuses it (413) before reading
            // answers at once and closes, and without the wait the client would still be writing and see a broken pipe
            // instead of the answer. A body the server reads is sent as soon as it asks for it.
            message.Headers.ExpectContinue = Body!.Length > LargeBody;
        }

        return message;
    }

    /// <summary>The request as a failure report shows it: method, path, caller, content type and the body's start.</summary>
    public string Describe()
    {
        var builder = new StringBuilder();
        builder.Append(CultureInfo.InvariantCulture, $"{Method} {Truncate(Path, 300)}  [{Caller}; {Category}: {Detail}]");
        if (Body is not null)
        {
            builder.Append(CultureInfo.InvariantCulture, $"\n      Content-Type: {(ContentType is null ? "(none)" : Truncate(ContentType, 120))}");
            builder.Append(CultureInfo.InvariantCulture, $"\n      body ({Body.Length:N0} bytes): {Printable(Body, 300)}");
        }

        return builder.ToString();
    }

    private static string Truncate(string text, int length) =>
        text.Length <= length ? text : $"{text[..length]}... ({text.Length:N0} chars)";

    /// <summary>The body's first bytes as text, with control characters and invalid bytes escaped.</summary>
    private static string Printable(byte[] body, int length)
    {
        var text = new UTF8Encoding(false, false).GetString(body, 0, Math.Min(body.Length, length));
        var builder = new StringBuilder();
        foreach (var character in text)
        {
            builder.Append(char.IsControl(character) || character == '\uFFFD' ? $"\\x{(int)character:X2}" : character.ToString());
        }

        return body.Length > length ? builder + "..." : builder.ToString();
    }
}

/// <summary>Who sends a request: nobody, the workspace's Admin (bearer on the API, cookie on pages), or its API key.</summary>
public enum FuzzCaller
{
    Anonymous,
    Admin,
    ApiKey,
}
