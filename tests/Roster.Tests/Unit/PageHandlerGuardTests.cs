using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Roster.Infrastructure.Web;

namespace Roster.Tests.Unit;

/// <summary>
/// The methods a page is said to allow in a 405's <c>Allow</c> header, for the shapes of page the app does not have
/// today: one with no <c>OnGet</c>, one with no handler at all.
/// </summary>
public sealed class PageHandlerGuardTests
{
    [Fact]
    public void AllowedMethods_PageWithOnlyAPostHandler_AllowsPostOnly() =>
        Assert.Equal(["POST"], PageHandlerGuard.AllowedMethods([Handler("Post")], handlerName: null));

    [Fact]
    public void AllowedMethods_PageWithoutHandlers_IsAPlainViewForGetAndHead()
    {
        Assert.Equal(["GET", "HEAD"], PageHandlerGuard.AllowedMethods([], handlerName: null));
        Assert.Empty(PageHandlerGuard.AllowedMethods([], handlerName: "Save"));
    }

    [Fact]
    public void AllowedMethods_GetBringsHeadAndNamedHandlersCountOnlyUnderTheirName()
    {
        List<HandlerMethodDescriptor> handlers = [Handler("Get"), Handler("Post", "Rename"), Handler("Delete", "Rename"), Handler("Post", "Leave")];

        Assert.Equal(["GET", "HEAD"], PageHandlerGuard.AllowedMethods(handlers, handlerName: null));
        Assert.Equal(["GET", "HEAD", "POST", "DELETE"], PageHandlerGuard.AllowedMethods(handlers, handlerName: "rename"));
        Assert.Empty(PageHandlerGuard.AllowedMethods(handlers, handlerName: "Nope"));
    }

    private static HandlerMethodDescriptor Handler(string method, string? name = null) =>
        new() { HttpMethod = method, Name = name, Parameters = [] };
}
