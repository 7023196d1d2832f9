CREATE TABLE `upload_applies` (
	`session_id` text NOT NULL,
	`name` text NOT NULL,
	`node_id` text NOT NULL,
	`state` text NOT NULL,
	`claimed_until` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`result` text DEFAULT '{}' NOT NULL,
	`error` text,
	PRIMARY KEY(`session_id`, `name`)
);
--> statement-breakpoint
CREATE INDEX `upload_applies_state` ON `upload_applies` (`state`,`claimed_until`);--> statement-breakpoint
ALTER TABLE `journal` ADD `note` text;