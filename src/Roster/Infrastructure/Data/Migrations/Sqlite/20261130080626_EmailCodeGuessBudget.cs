using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Roster.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class EmailCodeGuessBudget : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "EmailCodeGuesses",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    NormalizedEmail = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    TriedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EmailCodeGuesses", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_EmailCodeGuesses_NormalizedEmail_TriedAt",
                table: "EmailCodeGuesses",
                columns: new[] { "NormalizedEmail", "TriedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_EmailCodeGuesses_TriedAt",
                table: "EmailCodeGuesses",
                column: "TriedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "EmailCodeGuesses");
        }
    }
}
