using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Roster.Features.Audit;

/// <summary>The export formats of the audit log.</summary>
public enum AuditExportFormat
{
    Csv,
    Json,
}

/// <summary>
/// Writes a workspace's log to the response as the rows are read (SPEC section 7: export as CSV or JSON): nothing
/// holds the whole log in memory. Answers 200 with <c>Content-Disposition: attachment</c> and
/// <c>Cache-Control: no-store</c>.
/// </summary>
public sealed class AuditExportResult(IAsyncEnumerable<AuditItem> items, AuditExportFormat format, string fileName) : IResult
{
    /// <summary>Flush to the client every so many rows, so a long export arrives as it is read.</summary>
    private const int RowsPerFlush = 200;

    private JsonSerializerOptions jsonOptions = JsonSerializerOptions.Web;

    public static readonly string[] CsvHeader =
    [
        "id", "occurredAt", "actorType", "actorId", "actorName", "actorEmail", "clientAddress", "action",
        "targetType", "targetId", "targetLabel", "outcome", "reason", "details",
    ];

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        var cancellationToken = httpContext.RequestAborted;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = format == AuditExportFormat.Csv ? "text/csv; charset=utf-8" : "application/json; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileName = fileName }.ToString();
        jsonOptions = httpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        if (format == AuditExportFormat.Csv)
        {
            await WriteCsvAsync(response.Body, cancellationToken);
        }
        else
        {
            await WriteJsonAsync(response.BodyWriter, cancellationToken);
        }
    }

    private async Task WriteCsvAsync(Stream body, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 16 * 1024, leaveOpen: true);
        writer.NewLine = "\r\n";
        await writer.WriteLineAsync(string.Join(',', CsvHeader));
        var rows = 0;
        await foreach (var item in items.WithCancellation(cancellationToken))
        {
            string?[] fields =
            [
                item.Id.ToString(), item.OccurredAt.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                AuditWireNames.Of(item.ActorType), item.ActorId?.ToString(), item.ActorName, item.ActorEmail, item.ClientAddress, item.Action,
                item.TargetType, item.TargetId, item.TargetLabel, AuditWireNames.Of(item.Outcome), item.Reason, item.Details,
            ];
            await writer.WriteLineAsync(string.Join(',', fields.Select(CsvCell.Format)));
            if (++rows % RowsPerFlush == 0)
            {
                await writer.FlushAsync(cancellationToken);
            }
        }

        await writer.FlushAsync(cancellationToken);
    }

    private async Task WriteJsonAsync(PipeWriter body, CancellationToken cancellationToken)
    {
        // The same shape as the API's items; the writer escapes every control character (and U+2028, U+2029). It
        // writes into the response's pipe (Kestrel allows no synchronous writes to the body stream), which is
        // flushed to the client every so many rows.
        await using var writer = new Utf8JsonWriter(body);
        writer.WriteStartArray();
        var rows = 0;
        await foreach (var item in items.WithCancellation(cancellationToken))
        {
            JsonSerializer.Serialize(writer, item.ToResponse(), jsonOptions);
            if (++rows % RowsPerFlush == 0)
            {
                writer.Flush();
                await body.FlushAsync(cancellationToken);
            }
        }

        writer.WriteEndArray();
        writer.Flush();
        await body.FlushAsync(cancellationToken);
    }
}

/// <summary>
/// One CSV cell (RFC 4180), safe to open in a spreadsheet: every non-empty cell is quoted, with its quotes doubled, so
/// a name cannot end a row or start a cell, whatever separator the spreadsheet splits on (a comma, or the semicolon or
/// tab of many locales' imports); a cell that starts with <c>=</c>, <c>+</c>,
/// <c>-</c>, <c>@</c>, a tab or CR gets a leading <c>'</c>, so a spreadsheet shows it as text instead of running it
/// as a formula; any other control character (and the Unicode line and paragraph separators, which some readers
/// take as line breaks) becomes U+FFFD.
/// </summary>
public static class CsvCell
{
    public static string Format(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        var text = new StringBuilder(value.Length + 3);
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            text.Append('\'');
        }

        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    text.Append("\"\"");
                    break;
                case '\r' or '\n' or '\t':
                    text.Append(c);
                    break;
                case '\u2028' or '\u2029' or '\u0085':
                    text.Append('\uFFFD');
                    break;
                default:
                    text.Append(char.IsControl(c) ? '\uFFFD' : c);
                    break;
            }
        }

        return $"\"{text}\"";
    }
}
