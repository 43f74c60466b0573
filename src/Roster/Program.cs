using Roster.Infrastructure.Hosting;
using Roster.Operator;

// The operator's command line (`migrate`, `workspaces list`, `plan set`, `users ...`): the same configuration and
// services as the server, no server started.
if (OperatorCommandLine.Handles(args))
{
    return await OperatorCommandLine.RunAsync(args);
}

// The web host: services, database migrations, the pipeline and the endpoints.
var builder = WebApplication.CreateBuilder(args);
builder.AddRoster();

var app = builder.Build();
await app.PrepareAsync();
app.UseRoster();
await app.RunAsync();
return 0;
