using Roster.Bench.Seed;

// Seeds a Roster database for the benchmarks (bench/accept.sh, bench/all.sh), directly through the app's own
// DbContext and services, never through the HTTP API. The database is named by the app's configuration keys
// (Roster__Database__Provider, ConnectionStrings__Roster, Roster__DataFolder); migrations are applied first.
//
//   people --count N --credentials FILE --env FILE
//       An Admin with a workspace (plan Enterprise), an unlimited Viewer invitation link of it, and N people in no
//       workspace, each signed in (a bearer session): one "Bearer ..." Authorization value per line in FILE.
//   large --members N --workspaces N --env FILE
//       A workspace of N members (its Admin included), a workspace of 10, and N other workspaces with their Admin;
//       the Admins' bearer tokens and cookies and an API key of the big and the small workspace.
//
// The env file holds shell assignments (what the load generator needs). Bearer tokens live one hour (Identity's
// BearerTokenExpiration): seed right before measuring.
return await SeedCommand.RunAsync(args);
