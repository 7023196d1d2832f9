ALTER TABLE `journal` ADD `ip` text;--> statement-breakpoint
ALTER TABLE `journal` ADD `count` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `journal` ADD `bucket` text;--> statement-breakpoint
CREATE UNIQUE INDEX `journal_bucket` ON `journal` (`bucket`);--> statement-breakpoint
CREATE INDEX `journal_node_at` ON `journal` (`node_id`,`at`);