using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Roster.Infrastructure.Data.Migrations.Sqlite
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
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<Guid>(
                name: "PermissionId",
                table: "Memberships",
                type: "TEXT",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.AddColumn<string>(
                name: "Source",
                table: "Memberships",
                type: "TEXT",
                maxLength: 32,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<Guid>(
                name: "PermissionId",
                table: "InvitationLinks",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ApiKeys",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    WorkspaceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    SecretHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CreatedByUserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LastUsedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    RevokedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    RevokedByUserId = table.Column<Guid>(type: "TEXT", nullable: true)
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
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    WorkspaceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    NormalizedName = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    Grants = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
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
                SELECT hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-' || hex(randomblob(2)) || '-' || hex(randomblob(2)) || '-' || hex(randomblob(6)),
                       w."Id", b."Name", upper(b."Name"), b."Kind", '', w."CreatedAt"
                FROM "Workspaces" AS w
                CROSS JOIN (SELECT 'Admin' AS "Name", 1 AS "Kind" UNION ALL SELECT 'Member', 2 UNION ALL SELECT 'Viewer', 3) AS b;

                UPDATE "Memberships" SET
                    "PermissionId" = (SELECT p."Id" FROM "Permissions" AS p WHERE p."WorkspaceId" = "Memberships"."WorkspaceId" AND p."Name" = "Memberships"."Permission"),
                    "Source" = CASE WHEN "InvitationLinkId" IS NULL THEN 'CreatedWorkspace' ELSE 'InvitationLink' END;

                UPDATE "InvitationLinks" SET
                    "PermissionId" = (SELECT p."Id" FROM "Permissions" AS p WHERE p."WorkspaceId" = "InvitationLinks"."WorkspaceId" AND p."Name" = "InvitationLinks"."Permission");

                UPDATE "Workspaces" SET "MemberCount" = (SELECT COUNT(*) FROM "Memberships" AS m WHERE m."WorkspaceId" = "Workspaces"."Id");
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
                type: "TEXT",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "Permission",
                table: "InvitationLinks",
                type: "TEXT",
                maxLength: 64,
                nullable: false,
                defaultValue: "");
        }
    }
}
