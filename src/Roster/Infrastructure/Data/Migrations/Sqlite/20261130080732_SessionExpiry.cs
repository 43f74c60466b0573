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
                defaultValue: 0L);

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
