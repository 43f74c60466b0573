using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Roster.Infrastructure.Data;

/// <summary>Stores a <see cref="DateTimeOffset"/> as its UTC ticks: exact, and ordered like the instants themselves.</summary>
public sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
    value => value.UtcTicks,
    ticks => new DateTimeOffset(ticks, TimeSpan.Zero));
