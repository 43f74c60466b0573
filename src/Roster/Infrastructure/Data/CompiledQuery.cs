using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Roster.Infrastructure.Data;

/// <summary>
/// A query of the hot path, compiled with <c>EF.CompileAsyncQuery</c>: a call skips building the LINQ expression,
/// extracting its parameters and looking it up in EF Core's query cache, which cost more than the database's own
/// work for a one-row read (docs/benchmarks.md). It still runs against the database on every call.
/// </summary>
/// <remarks>
/// EF Core refuses to run a compiled query against a model other than the one it first ran on, and one process can
/// hold several models (each provider has its own; the tests start several apps), so each model gets its own
/// compiled delegate.
/// </remarks>
public sealed class CompiledQuery<TQuery>
    where TQuery : class
{
    private readonly ConditionalWeakTable<IModel, TQuery> byModel = new();
    private readonly ConditionalWeakTable<IModel, TQuery>.CreateValueCallback compile;

    /// <param name="compile">Calls <c>EF.CompileAsyncQuery</c>; called once per model.</param>
    public CompiledQuery(Func<TQuery> compile) => this.compile = _ => compile();

    /// <summary>The compiled query for the context's model.</summary>
    public TQuery For(DbContext db)
    {
        var model = db.Model;
        return byModel.TryGetValue(model, out var query) ? query : byModel.GetValue(model, compile);
    }
}
