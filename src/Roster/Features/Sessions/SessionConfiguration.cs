using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Roster.Features.Accounts;

namespace Roster.Features.Sessions;

internal sealed class SessionConfiguration : IEntityTypeConfiguration<Session>
{
    public void Configure(EntityTypeBuilder<Session> builder)
    {
        builder.Property(s => s.SecretHash).HasMaxLength(64);
        builder.HasIndex(s => s.SecretHash).IsUnique();
        builder.Property(s => s.Kind).HasConversion<string>().HasMaxLength(16);
        builder.Property(s => s.Device).HasMaxLength(Session.DeviceMaxLength);
        builder.Property(s => s.Address).HasMaxLength(Session.AddressMaxLength);
        builder.Property(s => s.EndReason).HasConversion(new ValueConverter<SessionEndReason, string>(
            reason => SessionEndReasons.ToStorage(reason), stored => SessionEndReasons.FromStorage(stored))).HasMaxLength(32);

        // "This user's live sessions": the list, sign out of all devices, and ending the others.
        builder.HasIndex(s => new { s.UserId, s.EndedAt });
        builder.Property(s => s.ExpiresAt).IsRequired();
        builder.HasOne<User>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>The stored (and wire) names of <see cref="SessionEndReason"/>: snake_case, stable.</summary>
public static class SessionEndReasons
{
    public static string ToStorage(SessionEndReason reason) => reason switch
    {
        SessionEndReason.SignedOut => "signed_out",
        SessionEndReason.Revoked => "revoked",
        SessionEndReason.PasswordChanged => "password_changed",
        SessionEndReason.Reset => "reset",
        SessionEndReason.Disabled => "disabled",
        SessionEndReason.AllSignedOut => "all_signed_out",
        SessionEndReason.AddressProven => "address_proven",
        SessionEndReason.EmailChanged => "email_changed",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };

    public static SessionEndReason FromStorage(string stored) => stored switch
    {
        "signed_out" => SessionEndReason.SignedOut,
        "revoked" => SessionEndReason.Revoked,
        "password_changed" => SessionEndReason.PasswordChanged,
        "reset" => SessionEndReason.Reset,
        "disabled" => SessionEndReason.Disabled,
        "all_signed_out" => SessionEndReason.AllSignedOut,
        "address_proven" => SessionEndReason.AddressProven,
        "email_changed" => SessionEndReason.EmailChanged,
        _ => throw new ArgumentOutOfRangeException(nameof(stored), stored, null),
    };
}
