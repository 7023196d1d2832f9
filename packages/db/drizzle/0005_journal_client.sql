ALTER TABLE `journal` ADD `ip` text;--> statement-breakpoint
ALTER TABLE `journal` ADD `user_agent` text;--> statement-breakpoint
ALTER TABLE `journal` ADD `detail` text;