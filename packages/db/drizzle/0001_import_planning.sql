CREATE TABLE `import_creates` (
	`session_id` text NOT NULL,
	`sha256` text NOT NULL,
	`seq` integer NOT NULL,
	`label` text NOT NULL,
	`order_id` text NOT NULL,
	`number` text NOT NULL,
	`number_num` integer,
	`status` text NOT NULL,
	`created_at` text NOT NULL,
	`data` text NOT NULL,
	`fields` text NOT NULL,
	PRIMARY KEY(`session_id`, `sha256`, `seq`)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `import_creates_label` ON `import_creates` (`session_id`,`sha256`,`label`);--> statement-breakpoint
CREATE UNIQUE INDEX `import_creates_order` ON `import_creates` (`session_id`,`sha256`,`order_id`);--> statement-breakpoint
CREATE TABLE `import_effects` (
	`session_id` text NOT NULL,
	`sha256` text NOT NULL,
	`order_id` text NOT NULL,
	`seq` integer NOT NULL,
	`fields` text NOT NULL,
	PRIMARY KEY(`session_id`, `sha256`, `order_id`, `seq`)
);
--> statement-breakpoint
CREATE TABLE `import_patches` (
	`session_id` text NOT NULL,
	`sha256` text NOT NULL,
	`order_id` text NOT NULL,
	`fields` text NOT NULL,
	`status` text,
	`changes` text NOT NULL,
	PRIMARY KEY(`session_id`, `sha256`, `order_id`)
);
