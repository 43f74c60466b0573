using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Roster.Infrastructure.Text;

/// <summary>
/// The pages' backstop: a page handler whose text the database refused (<see cref="StorableText.IsRefusedByDatabase"/>)
/// answers 400, which the status code pages show as the calm "could not be sent" page, instead of a 500. The use
/// case's transaction was rolled back when its exception left it, so nothing of it is written.
/// </summary>
public sealed class StorableTextPageFilter(ILogger<StorableTextPageFilter> logger) : IAsyncPageFilter
{
    /// <inheritdoc />
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    /// <inheritdoc />
    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var executed = await next();
        if (executed.Exception is { } exception && !executed.ExceptionHandled && StorableText.IsRefusedByDatabase(exception))
        {
            StorableTextLog.DatabaseRefusedText(logger, exception);
            executed.ExceptionHandled = true;
            executed.Result = new StatusCodeResult(StatusCodes.Status400BadRequest);
        }
    }
}
