using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Roster.Features.Access;
using Roster.Features.AccessTokens;
using Roster.Features.Accounts;
using Roster.Features.AccountSettings;
using Roster.Features.ApiKeys;
using Roster.Features.Audit;
using Roster.Features.EmailCodes;
using Roster.Features.EmailInvitations;
using Roster.Features.ExternalLogins;
using Roster.Features.Invitations;
using Roster.Features.Members;
using Roster.Features.Permissions;
using Roster.Features.Plans;
using Roster.Features.Sessions;
using Roster.Features.Workspaces;
using Roster.Infrastructure.Authorization;
using Roster.Infrastructure.Data;
using Roster.Infrastructure.Email;
using Roster.Infrastructure.Errors;
using Roster.Infrastructure.Telemetry;
using Roster.Infrastructure.Text;
using Roster.Infrastructure.Web;
using Roster.Operator;
using Scalar.AspNetCore;

namespace Roster.Infrastructure.Hosting;

/// <summary>
/// The app's composition, shared by the web host and the operator's command line (Program.cs): one set of
/// service registrations and one configuration, so a command sees exactly what the server would.
/// </summary>
public static class RosterHost
{
    /// <summary>Registers every service: options, database, Identity, authentication, authorization, features, web.</summary>
    public static WebApplicationBuilder AddRoster(this WebApplicationBuilder builder)
    {
        // Options and the data folder (SQLite database, email outbox).
        var rosterSection = builder.Configuration.GetSection("Roster");
        builder.Services.Configure<RosterOptions>(rosterSection);
        builder.Services.Configure<InvitationOptions>(rosterSection.GetSection("Invitations"));
        builder.Services.Configure<EmailOptions>(rosterSection.GetSection("Email"));
        builder.Services.Configure<MenuOptions>(options => rosterSection.GetSection("Menus").Bind(options.Items));
        var dataFolder = new DataFolder(rosterSection["DataFolder"] ?? "data");
        builder.Services.AddSingleton(dataFolder);
        builder.Services.AddSingleton(TimeProvider.System);

        // Database, and data-protection keys in it so that every instance reads every cookie and token (encrypted
        // under a certificate when one is configured).
        builder.Services.AddRosterDatabase(builder.Configuration, dataFolder);
        builder.Services.AddRosterDataProtection(builder.Configuration);

        // OpenTelemetry over OTLP when configured, with tokens redacted from spans and from the request log scope.
        builder.AddRosterTelemetry();

        // Accounts: ASP.NET Core Identity with cookies for the dashboard and bearer tokens for the API.
        builder.Services.AddIdentityApiEndpoints<User>(options =>
            {
                options.User.RequireUniqueEmail = true;

                // The user name is the email, and the one address rule (EmailAddresses) decides which addresses enter;
                // Identity's default character list would refuse some of those (o'brien@example.com) at creation.
                options.User.AllowedUserNameCharacters = "";
                options.Password.RequiredLength = 8;
                options.Password.RequireDigit = false;
                options.Password.RequireLowercase = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireNonAlphanumeric = false;
                options.Password.RequiredUniqueChars = 1;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(5);
                options.Lockout.AllowedForNewUsers = true;
            })
            .AddPasswordValidator<CommonPasswordValidator>()
            .AddSignInManager<RosterSignInManager>()
            .AddEntityFrameworkStores<RosterDbContext>()
            .AddUserStore<RosterUserStore>();
        builder.Services.AddAuthentication()
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyPrincipal.Scheme, null)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, PersonalAccessTokenAuthenticationHandler>(AccessTokenPrincipal.Scheme, null)
            .AddPolicyScheme(RosterAuthentication.Scheme, null, scheme => scheme.ForwardDefaultSelector = context =>
                ApiKeyAuthenticationHandler.CarriesApiKey(context.Request) ? ApiKeyPrincipal.Scheme
                : PersonalAccessTokenAuthenticationHandler.CarriesAccessToken(context.Request) ? AccessTokenPrincipal.Scheme
                : RosterAuthentication.IdentityBearerOrCookieScheme)
            .AddRosterOpenIdConnect(builder.Configuration);
        builder.Services.AddScoped<ExternalLoginService>();
        builder.Services.Configure<Microsoft.AspNetCore.Authentication.AuthenticationOptions>(authentication =>
        {
            // Requests authenticate with a workspace API key, or else a bearer token or the cookie (Identity's composite
            // scheme); a challenge goes to the cookie handler, which sends pages to /login and answers 401 on the API.
            authentication.DefaultScheme = RosterAuthentication.Scheme;
            authentication.DefaultAuthenticateScheme = RosterAuthentication.Scheme;
            authentication.DefaultChallengeScheme = IdentityConstants.ApplicationScheme;
            authentication.DefaultForbidScheme = IdentityConstants.ApplicationScheme;
        });
        builder.Services.ConfigureApplicationCookie(cookie =>
        {
            cookie.Cookie.Name = CookieNames.Application;

            // Script cannot read it, a cross-site subrequest or POST does not carry it, and under HTTPS it is Secure and
            // __Host- prefixed (HostPrefixedCookieManager); the server-side session behind it is checked on every request.
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.Cookie.SecurePolicy = Microsoft.AspNetCore.Http.CookieSecurePolicy.SameAsRequest;
            cookie.CookieManager = new HostPrefixedCookieManager(new Microsoft.AspNetCore.Authentication.Cookies.ChunkingCookieManager());
            cookie.LoginPath = "/login";
            cookie.LogoutPath = "/logout";
            cookie.Events.OnRedirectToLogin = context => ApiAwareRedirect(context, StatusCodes.Status401Unauthorized);

            // A refusal (Forbid() in a page handler, or a policy that fails) answers 403 where it happens, as the workspace
            // policies do: problem+json on the API, the "Not allowed" page through the status code pages elsewhere. A redirect
            // to an error URL would answer 302 and then 200.
            cookie.Events.OnRedirectToAccessDenied = context =>
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            };
            cookie.Events.OnValidatePrincipal = CookieSecurityStamp.ValidatePrincipalAsync;

            // A cookie renewed by sliding expiration moves its server-side session's expiry on with it.
            cookie.Events.OnCheckSlidingExpiration = SessionService.OnCheckSlidingExpirationAsync;
        });
        builder.Services.Configure<DataProtectionTokenProviderOptions>(tokens => tokens.TokenLifespan = TimeSpan.FromHours(2));

        // The cookie's security stamp is checked against the database on every request (CookieSecurityStamp, in the
        // same read as the route's membership): a password reset or a disabled account ends every other session at
        // once, on every instance. Identity's own validator is kept at no interval for whatever else may call it.
        builder.Services.Configure<SecurityStampValidatorOptions>(stamps => stamps.ValidationInterval = TimeSpan.Zero);
        builder.Services.AddScoped<AccountEmails>();
        builder.Services.AddScoped<AccountService>();
        builder.Services.AddSingleton<Roster.Pages.Account.SignUpBrowser>();
        builder.Services.AddScoped<AddressProof>();
        builder.Services.AddSingleton<PasswordWork>();
        builder.Services.AddScoped<SignInCompletion>();

        // Continue with email: a code and a link by email (Features/EmailCodes), sends limited per address.
        builder.Services.Configure<EmailCodeOptions>(rosterSection.GetSection("RateLimits:EmailCodes"));
        builder.Services.AddOptions<EmailCodeOptions>()
            .Validate(
                options => options.SendsPerAddress >= 1 && options.SendWindow >= TimeSpan.FromSeconds(1) && options.FailuresPerAddressPerDay >= 1,
                "Roster:RateLimits:EmailCodes: SendsPerAddress and FailuresPerAddressPerDay are at least 1, and SendWindow at least 00:00:01.")
            .ValidateOnStart();
        builder.Services.AddSingleton<EmailCodeSendLimiter>();
        builder.Services.AddScoped<EmailCodeGuessBudget>();
        builder.Services.AddScoped<EmailCodeService>();

        // Authorization: every workspace route re-reads the caller's membership from the database.
        builder.Services.AddAuthorizationBuilder().AddWorkspacePolicies();
        builder.Services.AddScoped<WorkspaceAccess>();
        builder.Services.AddScoped<Microsoft.AspNetCore.Authorization.IAuthorizationHandler, WorkspaceAuthorizationHandler>();
        builder.Services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, WorkspaceAuthorizationResultHandler>();

        // Email: SMTP when configured, else the outbox folder.
        if (string.IsNullOrWhiteSpace(builder.Configuration["Roster:Email:SmtpHost"]))
        {
            builder.Services.AddSingleton<IMailer, OutboxMailer>();
        }
        else
        {
            builder.Services.AddSingleton<IMailer, SmtpMailer>();
        }

        // Notices no request waits for are sent after the response, by a background sender.
        builder.Services.AddScoped<EmailOutbox>();
        builder.Services.AddSingleton<OutgoingEmail>();
        builder.Services.AddHostedService<OutgoingEmailSender>();

        // The durable outbox's delivery: a worker on every instance, poked when this instance commits outbox rows.
        builder.Services.AddOptions<OutboxOptions>().Bind(rosterSection.GetSection("Email:Outbox"))
            .Validate(
                options => options.PollInterval > TimeSpan.Zero && options.Lease > TimeSpan.Zero && options.FirstRetryDelay > TimeSpan.Zero
                    && options.MaxRetryDelay >= options.FirstRetryDelay && options.GiveUpAfter > TimeSpan.Zero && options.BatchSize >= 1,
                "Roster:Email:Outbox: PollInterval, Lease, FirstRetryDelay and GiveUpAfter are above zero, MaxRetryDelay at least FirstRetryDelay, BatchSize at least 1.")
            .ValidateOnStart();
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddHostedService<OutboxWorker>();

        // Features.
        builder.Services.AddSingleton<MenuCatalog>();
        builder.Services.AddSingleton<PlanCatalog>();
        builder.Services.AddScoped<PlanService>();
        builder.Services.AddScoped<MemberLimitNotices>();
        builder.Services.AddScoped<AuditLog>();
        builder.Services.AddScoped<AuditLogReader>();
        builder.Services.AddScoped<PermissionService>();
        builder.Services.AddScoped<WorkspaceService>();
        builder.Services.AddScoped<OnboardingService>();
        builder.Services.AddScoped<MemberService>();
        builder.Services.AddScoped<InvitationService>();
        builder.Services.AddSingleton<Features.CompanyDomains.PublicMailDomains>();
        builder.Services.AddScoped<Features.CompanyDomains.CompanyDomainService>();
        builder.Services.AddScoped<Features.CompanyDomains.DiscoveryService>();
        builder.Services.AddScoped<Features.JoinRequests.JoinRequestService>();
        builder.Services.AddScoped<Features.JoinRequests.AdminJoinNotices>();
        builder.Services.AddScoped<Features.JoinRequests.JoinNoticeSettings>();
        builder.Services.AddEmailInvitations(builder.Configuration);
        builder.Services.AddScoped<AccessService>();
        builder.Services.AddScoped<ApiKeyService>();
        builder.Services.AddScoped<PersonalAccessTokenService>();
        builder.Services.AddScoped<AccountSettingsService>();
        builder.Services.AddScoped<PlanAssignment>();
        builder.Services.AddScoped<AccountStatusService>();
        builder.Services.AddScoped<SessionService>();
        builder.Services.AddScoped<OperatorDirectory>();
        builder.Services.AddSingleton<PublicUrls>();
        builder.Services.AddHttpContextAccessor();

        // Web: pages, antiforgery, problem+json, rate limits, OpenAPI.
        builder.Services.AddRazorPages(pages => pages.Conventions.ConfigureFilter(new PageHandlerGuard()));
        builder.Services.AddAntiforgery(options =>
        {
            options.Cookie.Name = CookieNames.Antiforgery;
            options.Cookie.SecurePolicy = Microsoft.AspNetCore.Http.CookieSecurePolicy.SameAsRequest;
            options.HeaderName = "RequestVerificationToken";
        });
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            // Every problem carries a stable code, including those the framework writes (401, 404, 405, ...).
            if (!context.ProblemDetails.Extensions.ContainsKey("code"))
            {
                context.ProblemDetails.Extensions["code"] = context.ProblemDetails.Status switch
                {
                    StatusCodes.Status400BadRequest when context.ProblemDetails is HttpValidationProblemDetails => "validation_failed",
                    StatusCodes.Status400BadRequest => "bad_request",
                    StatusCodes.Status401Unauthorized => "auth.required",
                    StatusCodes.Status403Forbidden => "forbidden",
                    StatusCodes.Status404NotFound => "not_found",
                    StatusCodes.Status405MethodNotAllowed => "method_not_allowed",
                    StatusCodes.Status413PayloadTooLarge => "request.too_large",
                    StatusCodes.Status415UnsupportedMediaType => "request.unsupported_media_type",
                    StatusCodes.Status429TooManyRequests => "rate_limited",
                    < 500 => "request.invalid",
                    _ => "server_error",
                };
            }
        });
        builder.Services.AddStorableText();
        builder.Services.AddSingleton<Microsoft.AspNetCore.Http.IProblemDetailsWriter, ApiProblemWriter>();
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        builder.Services.AddExceptionHandler<ConcurrencyConflictExceptionHandler>();
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);
        builder.Services.AddRosterRateLimits();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = RequestBodies.ServerBytes);
        builder.Services.AddOpenApi(openApi => openApi.AddDocumentTransformer((document, context, _) =>
        {
            // The document would name the request's Host as the server. No absolute URL is built from Host: the
            // configured public URL, or none (clients then resolve paths against the document's own address).
            var publicUrl = context.ApplicationServices.GetRequiredService<IOptions<RosterOptions>>().Value.PublicUrl;
            document.Servers = string.IsNullOrWhiteSpace(publicUrl) ? [] : [new() { Url = publicUrl.TrimEnd('/') }];
            return Task.CompletedTask;
        }));
        // Graceful shutdown: a stopping instance fails /readyz first, then keeps serving for the drain delay.
        builder.Services.AddOptions<ShutdownOptions>().Bind(builder.Configuration.GetSection("Roster:Shutdown"))
            .Validate(o => o.DrainDelay >= TimeSpan.Zero && o.DrainDelay < TimeSpan.FromSeconds(30), "Roster:Shutdown:DrainDelay is 0 to 30 seconds (the host's shutdown timeout).")
            .ValidateOnStart();
        builder.Services.AddSingleton<ShutdownDrain>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ShutdownDrain>());
        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: ["ready"])
            .Add(new HealthCheckRegistration("shutdown", services => services.GetRequiredService<ShutdownDrain>(), failureStatus: null, tags: ["ready"]));
        return builder;
    }

    /// <summary>Checks the configuration that can be wrong (plans) and applies the database's migrations.</summary>
    public static async Task PrepareAsync(this WebApplication app)
    {
        // A mistake in the plans' configuration stops here, with a message naming the setting.
        app.Services.GetRequiredService<PlanCatalog>();
        await app.Services.MigrateDatabaseAsync();

        // The current data-protection key is read (and, on a fresh database or after every key expired, created) now,
        // before any request: created inside a use case's transaction (the outbox encrypts bodies there), its write
        // through a second context would wait for the writer turn that transaction holds (SqliteWriteGate).
        app.Services.GetRequiredService<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>().CreateProtector("Roster.Startup").Protect([0]);
    }

    /// <summary>The HTTP pipeline and every endpoint: health, OpenAPI, the JSON API and the dashboard.</summary>
    public static WebApplication UseRoster(this WebApplication app)
    {
        // The client's real address and scheme, from trusted proxies only (rate limits and cookies depend on them).
        app.UseRosterForwardedHeaders(app.Configuration);

        // API requests get problem+json for errors; pages get friendly error pages.
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/api"), api =>
        {
            api.UseExceptionHandler();
            api.UseStatusCodePages();
        });
        app.UseWhen(context => !context.Request.Path.StartsWithSegments("/api"), pages =>
        {
            pages.UseExceptionHandler(new ExceptionHandlerOptions
            {
                ExceptionHandlingPath = "/error/500",
                // A body the server refused to read (too large, cut off, malformed) is the sender's mistake, and a lost
                // race is a conflict: their own statuses, not a 500.
                StatusCodeSelector = exception => exception is BadHttpRequestException badRequest ? badRequest.StatusCode : ConcurrencyConflicts.StatusCodeFor(exception),
                // The conflict handler logged the lost race at warning: no error line beside it.
                SuppressDiagnosticsCallback = ConcurrencyConflicts.SuppressErrorLog,
            });
            pages.UseStatusCodePagesWithReExecute("/error/{0}");
        });

        app.UseSecurityHeaders();
        app.UseStaticFiles(new StaticFileOptions
        {
            // Public and the same for everyone: kept, but revalidated with the ETag (the files are not fingerprinted).
            OnPrepareResponse = file => file.Context.Response.Headers.CacheControl = "no-cache",
        });
        app.UseRouting();
        app.UseRequestBodyChecks();
        app.UseStorableText();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseMiddleware<BearerSecurityStampMiddleware>();
        app.UseMiddleware<ApiKeyScopeMiddleware>();
        app.UseMiddleware<AccessTokenScopeMiddleware>();
        app.UseAuthorization();
        app.UseHostPrefixedAntiforgeryCookie();
        app.UseAntiforgery();

        // Health, OpenAPI and its reference.
        app.MapHealthChecks("/healthz", new() { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new() { Predicate = check => check.Tags.Contains("ready") });
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapScalarApiReference("/api/docs", options => options.WithOpenApiRoutePattern("/openapi/{documentName}.json").WithNonce().DisableDefaultFonts());

        // The JSON API.
        var api = app.MapGroup("/api/v1").AddEndpointFilter<ApiAntiforgeryFilter>().WithBodyLimit(RequestBodies.ApiBytes);
        api.MapAccountsApi();
        api.MapEmailCodeApi();
        api.MapWorkspacesApi();
        api.MapMembersApi();
        api.MapPermissionsApi();
        api.MapAccessApi();
        api.MapApiKeysApi();
        api.MapAccessTokensApi();
        api.MapInvitationsApi();
        Features.CompanyDomains.DiscoveryApi.MapDiscoveryApi(api);
        Features.JoinRequests.JoinRequestsApi.MapJoinRequestsApi(api);
        api.MapEmailInvitationsApi();
        api.MapPlansApi();
        api.MapAuditLogApi();
        api.MapSessionsApi();

        // The dashboard.
        app.MapRazorPages().WithBodyLimit(RequestBodies.FormBytes);
        return app;
    }

    /// <summary>
    /// The path and query of a redirect URI the handler built as <c>scheme://host/path?query</c>, without parsing the host
    /// (a forged one need not be a valid host at all); a URI that is already a path is returned as it is.
    /// </summary>
    internal static string SameOriginPath(string redirectUri)
    {
        var scheme = redirectUri.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0)
        {
            return redirectUri;
        }

        var path = redirectUri.IndexOfAny(['/', '?'], scheme + 3);
        return path < 0 ? "/" : redirectUri[path] == '?' ? "/" + redirectUri[path..] : redirectUri[path..];
    }

    private static Task ApiAwareRedirect(Microsoft.AspNetCore.Authentication.RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> context, int apiStatus)
    {
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            context.Response.StatusCode = apiStatus;
            return Task.CompletedTask;
        }

        // The handler builds an absolute URI from the request's Host header; a forged Host must not choose where the
        // browser goes next, so the Location is the path and query alone (same origin).
        context.Response.Redirect(SameOriginPath(context.RedirectUri));
        return Task.CompletedTask;
    }
}
