namespace Roster.Infrastructure.Data;

public static class StoredTime
{
    /// <summary>
    /// Now, at the precision every database here stores (PostgreSQL keeps microseconds), so that a time a
    /// response returns on creation equals the one read back later.
    /// </summary>
    public static DateTimeOffset GetUtcNowForStorage(this TimeProvider time)
    {
        var now = time.GetUtcNow();
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
    }
}
