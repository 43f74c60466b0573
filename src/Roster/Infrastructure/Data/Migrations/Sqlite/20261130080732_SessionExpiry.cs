using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Roster.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SessionExpiry : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "ExpiresAt",
                table: "Sessions",
                type: "INTEGER",
                nullable: false,
                defaultValue: 3155378975999999999L);

            // The column's default is the far future (DateTimeOffset.MaxValue's ticks), not 0: an instance still running the
            // previous version during a rolling upgrade inserts sessions without it, and they must not expire at once.
            // Sessions from before expiry was kept: the cookie and refresh token lifetime (14 days) from their last use.
            migrationBuilder.Sql("UPDATE \"Sessions\" SET \"ExpiresAt\" = \"LastSeenAt\" + 14 * 864000000000;");
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
