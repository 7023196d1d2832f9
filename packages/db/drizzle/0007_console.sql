ALTER TABLE `journal` ADD `reply_text` text;--> statement-breakpoint
ALTER TABLE `journal` ADD `user_agent` text;--> statement-breakpoint
ALTER TABLE `journal` ADD `detail` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `deleted_at` text;--> statement-breakpoint
CREATE INDEX `orders_deleted_at` ON `orders` (`deleted_at`);