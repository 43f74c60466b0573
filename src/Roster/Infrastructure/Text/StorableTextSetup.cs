using Microsoft.AspNetCore.Mvc;

namespace Roster.Infrastructure.Text;

/// <summary>Wires <see cref="StorableText"/>'s checks into every edge: JSON bodies, pages' model binding, query and route values.</summary>
public static class StorableTextSetup
{
    /// <summary>
    /// Registers the JSON check (minimal APIs, Identity's endpoints included), the pages' validator and backstop filter,
    /// and the API's exception handler. Call before adding <see cref="Errors.BadRequestExceptionHandler"/>, so this
    /// handler sees a body's unstorable text first.
    /// </summary>
    public static IServiceCollection AddStorableText(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(json => StorableTextJson.Configure(json.SerializerOptions));
        services.Configure<MvcOptions>(mvc =>
        {
            mvc.ModelValidatorProviders.Add(new StorableTextValidatorProvider());
            mvc.Filters.Add<StorableTextPageFilter>();
        });
        services.AddExceptionHandler<StorableTextExceptionHandler>();
        return services;
    }

    /// <summary>Refuses query and route values that cannot be stored; place it after routing, so route values are known.</summary>
    public static IApplicationBuilder UseStorableText(this IApplicationBuilder app) => app.UseMiddleware<StorableTextMiddleware>();
}
