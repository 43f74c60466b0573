using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Roster.Infrastructure.Errors;

namespace Roster.Infrastructure.Text;

/// <summary>
/// Answers, on the API, text that cannot be stored. A JSON body's string refused by <see cref="StorableTextJson"/>,
/// or one the JSON reader could not turn into Unicode text (an unpaired surrogate, escaped or as invalid UTF-8), is a
/// 400 <c>validation_failed</c> naming the field (its JSON path, such as <c>email</c> or <c>checks[2].menu</c>). Text
/// that got past every check and that the database refused (<see cref="StorableText.IsRefusedByDatabase"/>: the
/// backstop) is a 400 <c>request.unstorable_text</c>; the use case's transaction was rolled back, so nothing of it is
/// written. Registered before <see cref="BadRequestExceptionHandler"/>, which answers every other unreadable body.
/// Pages get the same backstop from <see cref="StorableTextPageFilter"/>.
/// </summary>
public sealed class StorableTextExceptionHandler(ILogger<StorableTextExceptionHandler> logger) : IExceptionHandler
{
    /// <summary>The message for a field whose JSON text is not Unicode.</summary>
    public const string NotUnicodeMessage = "This text is not valid Unicode (it holds half of a surrogate pair, or bytes that are not UTF-8).";

    /// <inheritdoc />
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!httpContext.Request.Path.StartsWithSegments("/api"))
        {
            return false;
        }

        var error = FieldError(exception);
        if (error is not null)
        {
            await error.ToProblem().ExecuteAsync(httpContext);
            return true;
        }

        if (StorableText.IsRefusedByDatabase(exception))
        {
            StorableTextLog.DatabaseRefusedText(logger, exception);
            await ProblemResults.Problem(StatusCodes.Status400BadRequest, "request.unstorable_text",
                "The request holds text that cannot be stored (a NUL character, invalid Unicode, or text too long for its field). Nothing was changed.")
                .ExecuteAsync(httpContext);
            return true;
        }

        return false;
    }

    /// <summary>
    /// A field's full name from the serializer's path of the object that holds it (<c>$</c>, <c>$.checks[2]</c>)
    /// and the field's name within that object (empty when the path already names the field).
    /// </summary>
    public static string FieldOf(string? path, string field)
    {
        var prefix = (path ?? "").TrimStart('$').TrimStart('.');
        return prefix.Length == 0 ? field : field.Length == 0 ? prefix : $"{prefix}.{field}";
    }

    private static Error? FieldError(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is UnstorableTextException unstorable)
            {
                return Error.Validation(unstorable.FullField, unstorable.Message);
            }

            // The reader's own refusal of text that is not Unicode: an InvalidOperationException about UTF-8 or UTF-16,
            // which the serializer wraps with the path of the string it was reading.
            if (current is JsonException { Path: { } path, InnerException: InvalidOperationException reader }
                && reader.Message.Contains("UTF-", StringComparison.Ordinal)
                && FieldOf(path, "") is { Length: > 0 } field)
            {
                return Error.Validation(field, NotUnicodeMessage);
            }
        }

        return null;
    }
}

/// <summary>The backstop's log: a refusal means an edge check is missing, so it is worth a warning.</summary>
internal static partial class StorableTextLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "The database refused text that passed the edge's checks; answered 400. An edge check is missing.")]
    public static partial void DatabaseRefusedText(ILogger logger, Exception exception);
}
