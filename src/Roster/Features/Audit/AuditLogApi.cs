using Microsoft.AspNetCore.Http.HttpResults;
using Roster.Infrastructure.Authorization;
using Roster.Infrastructure.Errors;
using Roster.Infrastructure.Web;

namespace Roster.Features.Audit;

public static class AuditLogApi
{
    public static RouteGroupBuilder MapAuditLogApi(this RouteGroupBuilder api)
    {
        var log = api.MapGroup("/workspaces/{workspaceId}/audit-log").WithTags("Audit log")
            .RequireAuthorization(WorkspacePolicies.Admin);
        log.MapGet("/", ListAsync);
        log.MapGet("/export", ExportAsync)
            .Produces<IReadOnlyList<AuditEntryResponse>>(StatusCodes.Status200OK, "application/json", "text/csv")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return api;
    }

    /// <summary>
    /// The workspace's log, newest first: <c>?actor=</c> (user id, API key id or email), <c>?action=</c>,
    /// <c>?from=</c>, <c>?to=</c> (ISO 8601, UTC), <c>?limit=</c> (1 to 200, default 50) and <c>?after=</c>.
    /// Answers <c>{ items, next, total }</c>; 400 <c>validation_failed</c> naming the field.
    /// </summary>
    private static async Task<Results<Ok<Page<AuditEntryResponse>>, ProblemHttpResult>> ListAsync(
        Guid workspaceId,
        string? actor,
        string? action,
        string? from,
        string? to,
        int? limit,
        string? after,
        AuditLogReader reader,
        CancellationToken cancellationToken)
    {
        var filter = await reader.ParseAsync(new AuditFilterRequest(actor, action, from, to), cancellationToken);
        if (!filter.IsSuccess)
        {
            return filter.Error!.ToProblem();
        }

        var page = await reader.ListAsync(workspaceId, filter.Value, new PageRequest(limit ?? PageRequest.DefaultLimit, after), cancellationToken);
        return page.IsSuccess
            ? TypedResults.Ok(new Page<AuditEntryResponse>(page.Value.Items.Select(item => item.ToResponse()).ToList(), page.Value.Next, page.Value.Total))
            : page.Error!.ToProblem();
    }

    /// <summary>
    /// The whole log (with the same filters) as a download, <c>?format=csv</c> or <c>json</c>, streamed. Errors:
    /// 403 <c>plan.feature_locked</c> when the workspace's plan lacks audit-log export, 400 <c>validation_failed</c>
    /// on <c>format</c> or a filter.
    /// </summary>
    private static async Task<IResult> ExportAsync(
        Guid workspaceId,
        string? format,
        string? actor,
        string? action,
        string? from,
        string? to,
        AuditLogReader reader,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (await reader.CheckExportAsync(workspaceId, cancellationToken) is { } locked)
        {
            return locked.ToProblem();
        }

        AuditExportFormat? exportFormat = (format ?? "").Trim().ToLowerInvariant() switch
        {
            "csv" => AuditExportFormat.Csv,
            "json" => AuditExportFormat.Json,
            _ => null,
        };
        if (exportFormat is null)
        {
            return Error.Validation("format", "Use format=csv or format=json.").ToProblem();
        }

        var filter = await reader.ParseAsync(new AuditFilterRequest(actor, action, from, to), cancellationToken);
        if (!filter.IsSuccess)
        {
            return filter.Error!.ToProblem();
        }

        var stamp = time.GetUtcNow().ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture);
        var extension = exportFormat == AuditExportFormat.Csv ? "csv" : "json";
        return new AuditExportResult(reader.StreamAsync(workspaceId, filter.Value), exportFormat.Value, $"audit-log-{workspaceId:N}-{stamp}.{extension}");
    }
}
