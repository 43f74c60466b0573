using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Roster.Infrastructure.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class SessionExpiry : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ExpiresAt",
                table: "Sessions",
                type: "timestamp with time zone",
                nullable: false,
                defaultValue: new DateTimeOffset(new DateTime(9999, 12, 31, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)));

            // The column's default is the far future, not year 1: an instance still running the previous version during a
            // rolling upgrade inserts sessions without it, and they must not expire at once.
            // Sessions from before expiry was kept: the cookie and refresh token lifetime (14 days) from their last use.
            migrationBuilder.Sql("UPDATE \"Sessions\" SET \"ExpiresAt\" = \"LastSeenAt\" + interval '14 days';");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ExpiresAt",
                table: "Sessions");
        }
    }
}
