CREATE TABLE `import_docs` (
	`session_id` text NOT NULL,
	`sha256` text NOT NULL,
	`seq` integer NOT NULL,
	`doc` text NOT NULL,
	PRIMARY KEY(`session_id`, `sha256`, `seq`)
);
--> statement-breakpoint
CREATE TABLE `import_ledger` (
	`node_id` text NOT NULL,
	`sha256` text NOT NULL,
	`filename` text NOT NULL,
	`at` text NOT NULL,
	`documents` integer NOT NULL,
	`applied` integer NOT NULL,
	PRIMARY KEY(`node_id`, `sha256`)
);
--> statement-breakpoint
CREATE TABLE `journal` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`node_id` text,
	`at` text NOT NULL,
	`session` text,
	`type` text,
	`mode` text,
	`filename` text,
	`bytes_in` integer DEFAULT 0 NOT NULL,
	`bytes_out` integer DEFAULT 0 NOT NULL,
	`reply` text NOT NULL,
	`duration_ms` integer DEFAULT 0 NOT NULL,
	`orders_sent` integer DEFAULT 0 NOT NULL,
	`orders_acknowledged` integer DEFAULT 0 NOT NULL,
	`orders_imported` integer DEFAULT 0 NOT NULL,
	`error` text
);
--> statement-breakpoint
CREATE INDEX `journal_node_id` ON `journal` (`node_id`,`id`);--> statement-breakpoint
CREATE TABLE `login_failures` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`key` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `login_failures_key_at` ON `login_failures` (`key`,`at`);--> statement-breakpoint
CREATE TABLE `meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `node_acks` (
	`node_id` text NOT NULL,
	`order_id` text NOT NULL,
	`acked_revision` integer NOT NULL,
	PRIMARY KEY(`node_id`, `order_id`)
);
--> statement-breakpoint
CREATE TABLE `nodes` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`login` text NOT NULL,
	`password_hash` text NOT NULL,
	`settings` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `nodes_name_unique` ON `nodes` (`name`);--> statement-breakpoint
CREATE UNIQUE INDEX `nodes_login_unique` ON `nodes` (`login`);--> statement-breakpoint
CREATE TABLE `order_changes` (
	`cursor` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`order_id` text NOT NULL,
	`node_id` text,
	`at` text NOT NULL,
	`changes` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `order_changes_order` ON `order_changes` (`order_id`);--> statement-breakpoint
CREATE TABLE `orders` (
	`id` text PRIMARY KEY NOT NULL,
	`number` text NOT NULL,
	`number_num` integer,
	`status` text NOT NULL,
	`created_at` text NOT NULL,
	`data` text NOT NULL,
	`revision` integer NOT NULL,
	`updated_at` text NOT NULL,
	`one_c_id` text,
	`one_c_number` text,
	`one_c_date` text,
	`posted` integer,
	`paid` integer,
	`paid_at` text,
	`payment_number` text,
	`shipped` integer,
	`shipped_at` text,
	`shipment_number` text,
	`cancelled` integer,
	`deleted` integer,
	`one_c_status` text,
	`last_import_at` text
);
--> statement-breakpoint
CREATE INDEX `orders_number` ON `orders` (`number`);--> statement-breakpoint
CREATE INDEX `orders_revision` ON `orders` (`revision`);--> statement-breakpoint
CREATE INDEX `orders_one_c_id` ON `orders` (`one_c_id`);--> statement-breakpoint
CREATE INDEX `orders_one_c_number` ON `orders` (`one_c_number`);--> statement-breakpoint
CREATE INDEX `orders_status` ON `orders` (`status`);--> statement-breakpoint
CREATE TABLE `pending_batch` (
	`session_id` text NOT NULL,
	`order_id` text NOT NULL,
	`revision` integer NOT NULL,
	PRIMARY KEY(`session_id`, `order_id`)
);
--> statement-breakpoint
CREATE TABLE `sessions` (
	`id_hash` text PRIMARY KEY NOT NULL,
	`sessid_hash` text NOT NULL,
	`node_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`upload_epoch` integer DEFAULT 0 NOT NULL,
	`version` text,
	`cml_version` text
);
--> statement-breakpoint
CREATE INDEX `sessions_node` ON `sessions` (`node_id`);--> statement-breakpoint
CREATE TABLE `upload_chunks` (
	`session_id` text NOT NULL,
	`name` text NOT NULL,
	`seq` integer NOT NULL,
	`data` blob NOT NULL,
	PRIMARY KEY(`session_id`, `name`, `seq`)
);
--> statement-breakpoint
CREATE TABLE `upload_files` (
	`session_id` text NOT NULL,
	`name` text NOT NULL,
	`epoch` integer NOT NULL,
	`size` integer NOT NULL,
	`done` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`session_id`, `name`)
);
