using Roster.Infrastructure.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddRoster();

var app = builder.Build();
await app.PrepareAsync();
app.UseRoster();
await app.RunAsync();
