using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Roster.Infrastructure.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class PermissionsModel : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "MemberCount",
                table: "Workspaces",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<Guid>(
                name: "PermissionId",
                table: "Memberships",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.AddColumn<string>(
                name: "Source",
                table: "Memberships",
                type: "character varying(32)",
                maxLength: 32,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<Guid>(
                name: "PermissionId",
                table: "InvitationLinks",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ApiKeys",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    WorkspaceId = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    SecretHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CreatedByUserId = table.Column<Guid>(type: "uuid", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    LastUsedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    RevokedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    RevokedByUserId = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ApiKeys", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ApiKeys_Workspaces_WorkspaceId",
                        column: x => x.WorkspaceId,
                        principalTable: "Workspaces",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Permissions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    WorkspaceId = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    NormalizedName = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    Grants = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Permissions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Permissions_Workspaces_WorkspaceId",
                        column: x => x.WorkspaceId,
                        principalTable: "Workspaces",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            // Existing data: every workspace gets the three built-in permissions, and each membership and link the
            // id of the one it named. The old name columns are dropped only after they have been read.
            migrationBuilder.Sql(
                """
                INSERT INTO "Permissions" ("Id", "WorkspaceId", "Name", "NormalizedName", "Kind", "Grants", "CreatedAt")
                SELECT gen_random_uuid(), w."Id", b."Name", upper(b."Name"), b."Kind", '', w."CreatedAt"
                FROM "Workspaces" AS w
                CROSS JOIN (VALUES ('Admin', 1), ('Member', 2), ('Viewer', 3)) AS b ("Name", "Kind");

                UPDATE "Memberships" AS m SET
                    "PermissionId" = p."Id",
                    "Source" = CASE WHEN m."InvitationLinkId" IS NULL THEN 'CreatedWorkspace' ELSE 'InvitationLink' END
                FROM "Permissions" AS p
                WHERE p."WorkspaceId" = m."WorkspaceId" AND p."Name" = m."Permission";

                UPDATE "InvitationLinks" AS l SET "PermissionId" = p."Id"
                FROM "Permissions" AS p
                WHERE p."WorkspaceId" = l."WorkspaceId" AND p."Name" = l."Permission";

                UPDATE "Workspaces" AS w SET "MemberCount" = (SELECT COUNT(*) FROM "Memberships" AS m WHERE m."WorkspaceId" = w."Id");
                """);

            migrationBuilder.DropColumn(
                name: "Permission",
                table: "Memberships");

            migrationBuilder.DropColumn(
                name: "Permission",
                table: "InvitationLinks");

            migrationBuilder.CreateIndex(
                name: "IX_Memberships_PermissionId",
                table: "Memberships",
                column: "PermissionId");

            migrationBuilder.CreateIndex(
                name: "IX_Memberships_WorkspaceId_JoinedAt_UserId",
                table: "Memberships",
                columns: new[] { "WorkspaceId", "JoinedAt", "UserId" });

            migrationBuilder.CreateIndex(
                name: "IX_InvitationLinks_PermissionId",
                table: "InvitationLinks",
                column: "PermissionId");

            migrationBuilder.CreateIndex(
                name: "IX_ApiKeys_SecretHash",
                table: "ApiKeys",
                column: "SecretHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ApiKeys_WorkspaceId",
                table: "ApiKeys",
                column: "WorkspaceId");

            migrationBuilder.CreateIndex(
                name: "IX_Permissions_WorkspaceId_NormalizedName",
                table: "Permissions",
                columns: new[] { "WorkspaceId", "NormalizedName" },
                unique: true);

            migrationBuilder.AddForeignKey(
                name: "FK_InvitationLinks_Permissions_PermissionId",
                table: "InvitationLinks",
                column: "PermissionId",
                principalTable: "Permissions",
                principalColumn: "Id",
                onDelete: ReferentialAction.SetNull);

            migrationBuilder.AddForeignKey(
                name: "FK_Memberships_Permissions_PermissionId",
                table: "Memberships",
                column: "PermissionId",
                principalTable: "Permissions",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_InvitationLinks_Permissions_PermissionId",
                table: "InvitationLinks");

            migrationBuilder.DropForeignKey(
                name: "FK_Memberships_Permissions_PermissionId",
                table: "Memberships");

            migrationBuilder.DropTable(
                name: "ApiKeys");

            migrationBuilder.DropTable(
                name: "Permissions");

            migrationBuilder.DropIndex(
                name: "IX_Memberships_PermissionId",
                table: "Memberships");

            migrationBuilder.DropIndex(
                name: "IX_Memberships_WorkspaceId_JoinedAt_UserId",
                table: "Memberships");

            migrationBuilder.DropIndex(
                name: "IX_InvitationLinks_PermissionId",
                table: "InvitationLinks");

            migrationBuilder.DropColumn(
                name: "MemberCount",
                table: "Workspaces");

            migrationBuilder.DropColumn(
                name: "PermissionId",
                table: "Memberships");

            migrationBuilder.DropColumn(
                name: "Source",
                table: "Memberships");

            migrationBuilder.DropColumn(
                name: "PermissionId",
                table: "InvitationLinks");

            migrationBuilder.AddColumn<string>(
                name: "Permission",
                table: "Memberships",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "Permission",
                table: "InvitationLinks",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                defaultValue: "");
        }
    }
}
